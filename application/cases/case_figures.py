"""The inbox on the dashboard (ADR 0047): cases by status and department, how many wait
「滞留」, and the median time to the first answer and to closing of the cases opened in the
period. Counts and durations only: no personal data, so the look is not audited (as the rest of
the dashboard)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence

from attrs import field, frozen

from application.cases.untouched import WAITING_ON_STAFF, untouched_before
from application.ports.calendar import OfficeCalendar
from application.ports.unit_of_work import UnitOfWork
from domain.cases import CaseStatus
from domain.values import JST

__all__ = ["CaseFigures", "DepartmentCounts", "case_figures", "median_duration"]

UNROUTED = "（課なし）"


@frozen
class DepartmentCounts:
    name: str
    by_status: Mapping[CaseStatus, int]

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


@frozen
class CaseFigures:
    since: dt.date  # the period: cases opened from this Japan day
    until: dt.date  # to this one, included
    by_status: Mapping[CaseStatus, int]  # every case, whenever opened
    departments: Sequence[DepartmentCounts] = field(converter=tuple)
    untouched: int
    untouched_days: int
    opened: int  # in the period
    median_first_answer: dt.timedelta | None  # of the period's cases answered
    median_close: dt.timedelta | None  # of the period's cases closed

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def median_duration(durations: Sequence[dt.timedelta]) -> dt.timedelta | None:
    if not durations:
        return None
    return dt.timedelta(seconds=round(statistics.median(d.total_seconds() for d in durations)))


def case_figures(*, today: dt.date, days: int, uow: UnitOfWork, calendar: OfficeCalendar,
                 untouched_days: int) -> CaseFigures:
    since_day = today - dt.timedelta(days=days - 1)
    since = dt.datetime.combine(since_day, dt.time(), JST)
    until = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), JST)
    with uow:
        counts = uow.queries.case_figures.counts(departments=None)
        names = {d.id: d.name for d in uow.departments.all()}
        timings = uow.queries.case_figures.timings(since=since, until=until, departments=None)
        untouched = uow.queries.case_figures.untouched(
            before=untouched_before(today, untouched_days, calendar),
            statuses=WAITING_ON_STAFF, departments=None)
    by_status = {status: 0 for status in CaseStatus}
    per_department: dict[str | None, dict[CaseStatus, int]] = {}
    for (department_id, status), count in counts.items():
        by_status[status] += count
        line = per_department.setdefault(department_id, {s: 0 for s in CaseStatus})
        line[status] += count
    departments = sorted((DepartmentCounts(names.get(d, UNROUTED) if d else UNROUTED, line)
                          for d, line in per_department.items()), key=lambda c: c.name)
    return CaseFigures(
        since=since_day, until=today, by_status=by_status, departments=departments,
        untouched=untouched, untouched_days=untouched_days, opened=len(timings),
        median_first_answer=median_duration([t.first_answer_at - t.created_at for t in timings
                                             if t.first_answer_at is not None]),
        median_close=median_duration([t.closed_at - t.created_at for t in timings
                                      if t.closed_at is not None]))
