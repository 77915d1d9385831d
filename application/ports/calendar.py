"""The town hall's calendar: the days it is closed whatever a department's weekdays say, and
the days it works (開庁日), for counting working days."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

__all__ = ["OfficeCalendar"]


class OfficeCalendar(Protocol):
    def is_closed_day(self, day: dt.date) -> bool:
        """Closed that day: a national holiday (振替休日 included) or 年末年始."""
        ...

    def is_working_day(self, day: dt.date) -> bool:
        """Not a weekend, a national holiday (振替休日 included) or the year-end closure."""
        ...
