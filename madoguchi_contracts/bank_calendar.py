"""The `BankCalendar` port's promises (the days Japanese banks transfer money: a transfer
file's 取組日 must be one).

Subclass `BankCalendarContract` and provide the fixture `harness`, returning the
`BankCalendar` under test:

    class TestMyCalendar(BankCalendarContract):
        @pytest.fixture
        def harness(self): ...

The promises: banks are closed on Saturdays and Sundays, on public holidays (振替休日 and
国民の休日 included) and from 12/31 to 1/3, and open on other days; `next_business_day` is the
day itself when banks are open, else the first day after it when they are.
"""

from __future__ import annotations

import datetime as dt

import pytest

from application.ports.payouts import BankCalendar

__all__ = ["BankCalendarContract"]

D = dt.date
CLOSED = {
    D(2026, 12, 5): "土曜日", D(2026, 12, 6): "日曜日",
    D(2026, 12, 31): "大晦日（銀行休業日）", D(2027, 1, 1): "元日",
    D(2027, 1, 2): "1月2日（銀行休業日）", D(2027, 1, 3): "1月3日（銀行休業日）",
    D(2027, 1, 11): "成人の日", D(2026, 11, 3): "文化の日",
    D(2026, 11, 23): "勤労感謝の日", D(2026, 5, 6): "振替休日（憲法記念日が日曜日）",
    D(2026, 9, 22): "国民の休日（敬老の日と秋分の日の間）",
    D(2025, 12, 31): "大晦日（水曜日）", D(2026, 1, 2): "1月2日（金曜日）",
}
OPEN = {
    D(2026, 12, 7): "月曜日", D(2026, 12, 30): "御用納めの日（水曜日）",
    D(2027, 1, 4): "年明けの月曜日", D(2026, 11, 4): "水曜日",
    D(2026, 5, 7): "連休明けの木曜日", D(2026, 9, 24): "木曜日",
}
NEXT = {
    D(2026, 12, 7): D(2026, 12, 7),  # open: itself
    D(2026, 12, 5): D(2026, 12, 7),  # a weekend
    D(2026, 12, 31): D(2027, 1, 4),  # the year-end holidays, then a weekend
    D(2026, 5, 2): D(2026, 5, 7),  # ゴールデンウィーク
    D(2026, 9, 19): D(2026, 9, 24),  # シルバーウィーク
}


class BankCalendarContract:
    """Provide `harness` (the `BankCalendar` itself)."""

    pytestmark = [pytest.mark.contract]

    @pytest.mark.parametrize("day", sorted(CLOSED), ids=lambda d: f"{d}")
    def test_banks_are_closed(self, harness: BankCalendar, day: dt.date) -> None:
        assert not harness.is_business_day(day), CLOSED[day]

    @pytest.mark.parametrize("day", sorted(OPEN), ids=lambda d: f"{d}")
    def test_banks_are_open(self, harness: BankCalendar, day: dt.date) -> None:
        assert harness.is_business_day(day), OPEN[day]

    @pytest.mark.parametrize("day", sorted(NEXT), ids=lambda d: f"{d}")
    def test_the_next_business_day(self, harness: BankCalendar, day: dt.date) -> None:
        assert harness.next_business_day(day) == NEXT[day]

    def test_the_next_business_day_is_the_first_open_day_from_the_day_itself(
            self, harness: BankCalendar) -> None:
        start = D(2026, 1, 1)
        days = [start + dt.timedelta(days=n) for n in range(400)]
        open_days = [day for day in days if harness.is_business_day(day)]
        # about 245 a year: neither all closed nor all open
        assert 230 < sum(day.year == 2026 for day in open_days) < 260
        for day in days[:365]:
            expected = next(d for d in open_days if d >= day)
            assert harness.next_business_day(day) == expected
