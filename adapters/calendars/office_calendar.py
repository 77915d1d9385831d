"""The days a Japanese town hall is closed on any weekday: national holidays (`jpholiday`,
substitute holidays included) and 年末年始, 12/29–1/3 (行政機関の休日に関する法律); its working
days (開庁日) are the other weekdays."""

from __future__ import annotations

import datetime as dt

import jpholiday

__all__ = ["JapaneseOfficeCalendar"]

_YEAR_END = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


class JapaneseOfficeCalendar:
    """`OfficeCalendar` for a Japanese town hall."""

    def is_closed_day(self, day: dt.date) -> bool:
        return (day.month, day.day) in _YEAR_END or jpholiday.is_holiday(day)

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() < 5 and not self.is_closed_day(day)
