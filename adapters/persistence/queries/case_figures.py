"""The inbox's figures and exports by aggregate queries (ADR 0047)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.cases import case_entries, cases
from adapters.persistence.orm.cases import departments as department_table
from application.ports.case_figure_queries import CaseExportLine, CaseTiming
from domain.cases import CaseEntryKind, CaseStatus

__all__ = ["SqlCaseFigureQueries"]

_cs, _ce, _dp = cases.c, case_entries.c, department_table.c


def _in(wanted: Collection[str] | None) -> list[Any]:
    return [] if wanted is None else [_cs.department_id.in_(sorted(wanted))]


def _first_answers() -> Any:
    """Each case's first staff reply."""
    return (select(_ce.case_id.label("case_id"), func.min(_ce.at).label("first_at"))
            .where(_ce.kind == CaseEntryKind.REPLY.value).group_by(_ce.case_id).subquery())


class SqlCaseFigureQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def counts(self, *, departments: Collection[str] | None
               ) -> dict[tuple[str | None, CaseStatus], int]:
        rows = self.session.execute(
            select(_cs.department_id, _cs.status, func.count()).where(*_in(departments))
            .group_by(_cs.department_id, _cs.status))
        return {(department, CaseStatus(status)): count for department, status, count in rows}

    def timings(self, *, since: dt.datetime, until: dt.datetime,
                departments: Collection[str] | None) -> list[CaseTiming]:
        first = _first_answers()
        rows = self.session.execute(
            select(_cs.created_at, first.c.first_at, _cs.closed_at)
            .select_from(cases.outerjoin(first, first.c.case_id == _cs.id))
            .where(_cs.created_at >= since, _cs.created_at < until, *_in(departments)))
        return [CaseTiming(created, _aware(answered), closed) for created, answered, closed in rows]

    def untouched(self, *, before: dt.datetime, statuses: Collection[CaseStatus],
                  departments: Collection[str] | None) -> int:
        return self.session.scalar(
            select(func.count()).select_from(cases)
            .where(_cs.status.in_([s.value for s in statuses]), _cs.updated_at < before,
                   *_in(departments))) or 0

    def lines(self, *, since: dt.datetime, until: dt.datetime,
              departments: Collection[str] | None, chunk: int = 1000) -> Iterator[CaseExportLine]:
        first = _first_answers()
        statement = (
            select(_cs.number, _dp.name, _cs.title, _cs.procedure_id, _cs.status,
                   _cs.assignee_id, _cs.created_at, first.c.first_at, _cs.closed_at)
            .select_from(cases.outerjoin(department_table, _dp.id == _cs.department_id)
                         .outerjoin(first, first.c.case_id == _cs.id))
            .where(_cs.created_at >= since, _cs.created_at < until, *_in(departments))
            .order_by(_cs.created_at, _cs.id)
            .execution_options(yield_per=chunk))
        for row in self.session.execute(statement):
            yield CaseExportLine(number=row.number, department=row.name or "", title=row.title,
                           procedure_id=row.procedure_id, status=CaseStatus(row.status),
                           assignee_id=row.assignee_id, created_at=row.created_at,
                           first_answer_at=_aware(row.first_at), closed_at=row.closed_at)


def _aware(moment: dt.datetime | None) -> dt.datetime | None:
    """min() over a column reads back as the database stored it: naive UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)
