"""The `BankMaster` port's promises (全銀 金融機関・支店コード: finding a bank and a branch from
what a resident types).

Subclass `BankMasterContract` and provide the fixture `harness`, returning a
`BankMasterHarness`: the master, and one bank it holds (an ordinary bank whose name and kana
no other bank shares) with one of its branches (likewise within the bank).

    class TestMyMaster(BankMasterContract):
        @pytest.fixture
        def harness(self): ...

The promises: a bank and a branch are looked up by code, and an unknown code is None; a search
finds the bank by its 4-digit code (full-width digits too), its name, its kana in katakana or
hiragana and the start of its name, the exact match first; an empty query finds nothing; at
most `limit` are returned; the exact lookups name the one bank by code, name with or without
銀行 and kana, the one branch by code, name with or without 支店 and kana, and answer None for
what names none; a branch search stays within its bank.
"""

from __future__ import annotations

import pytest
from attrs import frozen

from application.ports.bank_master import Bank, BankMaster, Branch

__all__ = ["BankMasterContract", "BankMasterHarness"]

NOBODY = "ンンンンンン"  # no bank or branch is called this


@frozen
class BankMasterHarness:
    master: BankMaster
    bank: Bank  # held by the master, as the master writes it
    branch: Branch  # one of its branches


def hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


def full_width(digits: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) for c in digits)


class BankMasterContract:
    """Provide `harness` (a `BankMasterHarness`)."""

    pytestmark = [pytest.mark.contract]

    def test_a_bank_and_a_branch_are_looked_up_by_code(
            self, harness: BankMasterHarness) -> None:
        bank, branch = harness.bank, harness.branch
        assert harness.master.bank(bank.code) == bank
        assert harness.master.branch(bank.code, branch.code) == branch
        assert harness.master.bank("0000") is None
        assert harness.master.branch(bank.code, "000") is None
        assert harness.master.branch("0000", branch.code) is None

    @pytest.mark.parametrize("spelling", ["code", "full_width_code", "name", "full_name",
                                          "katakana", "hiragana"])
    def test_a_bank_is_found_first_however_it_is_typed(
            self, harness: BankMasterHarness, spelling: str) -> None:
        bank = harness.bank
        query = {"code": bank.code, "full_width_code": full_width(bank.code),
                 "name": bank.name, "full_name": bank.full_name, "katakana": bank.kana,
                 "hiragana": hiragana(bank.kana)}[spelling]

        assert harness.master.search_banks(query)[0] == bank

    def test_the_start_of_a_name_finds_the_bank(self, harness: BankMasterHarness) -> None:
        assert harness.bank in harness.master.search_banks(harness.bank.name[:2], limit=200)

    def test_an_empty_query_finds_nothing_and_the_limit_is_kept(
            self, harness: BankMasterHarness) -> None:
        assert harness.master.search_banks("") == []
        assert harness.master.search_banks(NOBODY) == []
        assert len(harness.master.search_banks(harness.bank.kana[:1], limit=1)) <= 1
        assert len(harness.master.search_banks(harness.bank.kana[:1])) <= 12

    @pytest.mark.parametrize("spelling", ["code", "name", "full_name", "katakana"])
    def test_the_bank_named_exactly_is_the_one_bank(
            self, harness: BankMasterHarness, spelling: str) -> None:
        bank = harness.bank
        query = {"code": bank.code, "name": bank.name, "full_name": bank.full_name,
                 "katakana": bank.kana}[spelling]

        assert harness.master.exact_bank(query) == bank

    def test_what_names_no_bank_exactly_is_none(self, harness: BankMasterHarness) -> None:
        assert harness.master.exact_bank("") is None
        assert harness.master.exact_bank(NOBODY) is None
        assert harness.master.exact_bank("0000") is None

    @pytest.mark.parametrize("spelling", ["code", "name", "full_name", "katakana"])
    def test_a_branch_is_found_and_named_exactly_however_it_is_typed(
            self, harness: BankMasterHarness, spelling: str) -> None:
        branch = harness.branch
        query = {"code": branch.code, "name": branch.name, "full_name": branch.full_name,
                 "katakana": branch.kana}[spelling]

        assert harness.master.search_branches(branch.bank_code, query)[0] == branch
        assert harness.master.exact_branch(branch.bank_code, query) == branch

    def test_a_branch_search_stays_within_its_bank(self, harness: BankMasterHarness) -> None:
        found = harness.master.search_branches(harness.bank.code, harness.branch.kana[:1],
                                               limit=50)

        assert found and {branch.bank_code for branch in found} == {harness.bank.code}
        assert harness.master.search_branches("0000", harness.branch.name) == []
        assert harness.master.exact_branch(harness.bank.code, NOBODY) is None
