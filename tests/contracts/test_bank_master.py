"""The `BankMaster` contract (madoguchi_contracts.bank_master) on the bank master in the
repository: over the real zengin-code data, and over given records (a demo town, the tests)."""

from __future__ import annotations

import pytest

from adapters.banks.zengin_master import ZenginBankMaster
from application.ports.bank_master import Bank, Branch
from madoguchi_contracts.bank_master import BankMasterContract, BankMasterHarness
from tests.support import zengin

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def zengin_code_master() -> ZenginBankMaster:
    return ZenginBankMaster()  # the whole master: loaded once for the module


class TestZenginCodeData(BankMasterContract):
    @pytest.fixture
    def harness(self, zengin_code_master: ZenginBankMaster) -> BankMasterHarness:
        return BankMasterHarness(zengin_code_master, Bank("0001", "みずほ", "ミズホ"),
                                 Branch("0001", "001", "東京営業部", "トウキヨウ"))


class TestGivenRecords(BankMasterContract):
    @pytest.fixture
    def harness(self) -> BankMasterHarness:
        return BankMasterHarness(zengin.master(), zengin.BANKS[1], zengin.BRANCHES[1])
