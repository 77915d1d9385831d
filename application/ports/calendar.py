"""The town hall's calendar: which days it works (開庁日), for counting working days."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

__all__ = ["WorkingCalendar"]


class WorkingCalendar(Protocol):
    def is_working_day(self, day: dt.date) -> bool:
        """Not a weekend, a national holiday (振替休日 included) or the year-end closure."""
        ...
