"""The `BankCalendar` contract (madoguchi_contracts.bank_calendar) on the Japanese banks'
calendar (jpholiday and the year-end holidays)."""

from __future__ import annotations

import pytest

from adapters.banks.bank_calendar import JapaneseBankCalendar
from application.ports.payouts import BankCalendar
from madoguchi_contracts.bank_calendar import BankCalendarContract

pytestmark = pytest.mark.integration


class TestJapaneseBankCalendar(BankCalendarContract):
    @pytest.fixture
    def harness(self) -> BankCalendar:
        return JapaneseBankCalendar()
