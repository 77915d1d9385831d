"""「滞留」: an open case nobody has moved for N of the town hall's working days (ADR 0047). A
case is waiting on staff while it is 新規 or 対応中 (回答済み waits on the resident); it is
untouched when its last change (taken, answered, noted, the resident writing) lies on or before
the day N working days back from today, counted in Japan days on the town hall's calendar
(weekends, national holidays and the year-end closure are not counted)."""

from __future__ import annotations

import datetime as dt

from application.dates import in_japan
from application.ports.calendar import OfficeCalendar
from application.ports.case_queries import CaseLine
from domain.cases import CaseStatus, InboxCase
from domain.values import JST

__all__ = ["DEFAULT_UNTOUCHED_DAYS", "WAITING_ON_STAFF", "is_untouched", "untouched_before",
           "working_days_between"]

DEFAULT_UNTOUCHED_DAYS = 2
WAITING_ON_STAFF = (CaseStatus.NEW, CaseStatus.IN_PROGRESS)
_LOOK_BACK = 366  # working days are never this sparse: a bound against a wrong calendar


def working_days_between(since: dt.date, until: dt.date, calendar: OfficeCalendar) -> int:
    """Working days after `since`, up to and including `until` (0 when `until` ≤ `since`)."""
    count, day = 0, since + dt.timedelta(days=1)
    while day <= until:
        count += calendar.is_working_day(day)
        day += dt.timedelta(days=1)
    return count


def untouched_before(today: dt.date, days: int, calendar: OfficeCalendar) -> dt.datetime:
    """The moment (UTC) before which a last change makes an open case untouched today: the
    start of the day after the one `days` working days back from `today`."""
    day, counted = today, 0
    for _ in range(_LOOK_BACK):
        if counted >= days:
            break
        counted += calendar.is_working_day(day)
        day -= dt.timedelta(days=1)
    start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=JST)
    return start.astimezone(dt.UTC)


def is_untouched(case: InboxCase | CaseLine, cutoff: dt.datetime) -> bool:
    """Waiting on staff, and last changed before `cutoff` (`untouched_before`)."""
    if case.status not in WAITING_ON_STAFF:
        return False
    last = in_japan(case.updated_at or case.created_at)
    return last < cutoff
