"""The inbox for people to read: cases by department and status, newest first, counts, and the
open cases with a point for the map. Lines select only the columns the lists show (the
encrypted answers are not read)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, func, or_, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.cases import cases
from application.ports.case_queries import CaseLine
from domain.cases import CaseStatus, InboxCase

__all__ = ["SqlCaseQueries"]


def _in(departments: Collection[str] | None, *, unrouted: bool = False) -> list[Any]:
    if departments is None:
        return [cases.c.department_id.is_(None)] if unrouted else []
    wanted = cases.c.department_id.in_(sorted(departments))
    return [or_(wanted, cases.c.department_id.is_(None))] if unrouted else [wanted]


_LINE = (cases.c.id, cases.c.number, cases.c.title, cases.c.department_id, cases.c.status,
         cases.c.assignee_id, cases.c.created_at, cases.c.updated_at, cases.c.resident_waiting,
         cases.c.latitude, cases.c.longitude)
_NEWEST = (cases.c.created_at.desc(), cases.c.id.desc())


def _line(row: Row[Any]) -> CaseLine:
    return CaseLine(id=row.id, number=row.number, title=row.title,
                    department_id=row.department_id, status=row.status,
                    assignee_id=row.assignee_id, created_at=row.created_at,
                    updated_at=row.updated_at, resident_waiting=row.resident_waiting,
                    latitude=row.latitude, longitude=row.longitude)


class SqlCaseQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def cases(self, *, departments: Collection[str] | None, status: CaseStatus | None,
              unrouted: bool = False, limit: int = 200) -> Sequence[InboxCase]:
        criteria = _in(departments, unrouted=unrouted)
        if status is not None:
            criteria.append(cases.c.status == status.value)
        return self.session.scalars(
            select(InboxCase).where(*criteria)
            .order_by(cases.c.created_at.desc(), cases.c.id.desc()).limit(limit)).all()

    def lines(self, *, departments: Collection[str] | None, status: CaseStatus | None,
              limit: int = 200) -> Sequence[CaseLine]:
        criteria = _in(departments)
        if status is not None:
            criteria.append(cases.c.status == status.value)
        rows = self.session.execute(select(*_LINE).where(*criteria).order_by(*_NEWEST)
                                    .limit(limit))
        return [_line(row) for row in rows]

    def on_map(self, *, departments: Collection[str] | None, statuses: Collection[CaseStatus],
               limit: int) -> tuple[Sequence[CaseLine], int]:
        criteria = [*_in(departments), cases.c.latitude.is_not(None),
                    cases.c.status.in_(sorted(s.value for s in statuses))]
        rows = self.session.execute(select(*_LINE).where(*criteria).order_by(*_NEWEST)
                                    .limit(limit))
        found = [_line(row) for row in rows]
        total = len(found) if len(found) < limit else self.session.scalar(
            select(func.count()).select_from(cases).where(*criteria)) or 0
        return found, total

    def count(self, status: CaseStatus, *, departments: Collection[str] | None) -> int:
        return int(self.session.scalar(select(func.count()).select_from(cases).where(
            cases.c.status == status, *_in(departments))) or 0)

    def counts(self, *, departments: Collection[str] | None) -> dict[CaseStatus, int]:
        rows = self.session.execute(select(cases.c.status, func.count())
                                    .where(*_in(departments)).group_by(cases.c.status))
        found = {CaseStatus(status): count for status, count in rows}
        return {status: found.get(status, 0) for status in CaseStatus}
