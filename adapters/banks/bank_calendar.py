"""Bank business days in Japan: not Saturday or Sunday, not a public holiday (`jpholiday`,
substitute holidays included), and not the banks' year-end holidays 12/31–1/3."""

from __future__ import annotations

import datetime as dt

import jpholiday

__all__ = ["JapaneseBankCalendar"]

_YEAR_END = {(12, 31), (1, 1), (1, 2), (1, 3)}


class JapaneseBankCalendar:
    """`BankCalendar` for Japanese banks."""

    def is_business_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or (day.month, day.day) in _YEAR_END:
            return False
        return not jpholiday.is_holiday(day)

    def next_business_day(self, day: dt.date) -> dt.date:
        while not self.is_business_day(day):
            day += dt.timedelta(days=1)
        return day
