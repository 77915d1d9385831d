"""The town hall's working days (開庁日): not Saturday or Sunday, not a national holiday
(`jpholiday`, substitute holidays included, as the bank calendar), and not the year-end closure
of 行政機関の休日に関する法律 (12/29–1/3)."""

from __future__ import annotations

import datetime as dt

import jpholiday

__all__ = ["TownHallCalendar"]

_YEAR_END = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


class TownHallCalendar:
    """`WorkingCalendar` of a Japanese town hall."""

    def is_working_day(self, day: dt.date) -> bool:
        if day.weekday() >= 5 or (day.month, day.day) in _YEAR_END:
            return False
        return not jpholiday.is_holiday(day)
