"""The inbox for people to read: cases by department and status, newest first, and counts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.cases import cases
from domain.cases import CaseStatus, InboxCase

__all__ = ["SqlCaseQueries"]


def _in(departments: Collection[str] | None, *, unrouted: bool = False) -> list[Any]:
    if departments is None:
        return [cases.c.department_id.is_(None)] if unrouted else []
    wanted = cases.c.department_id.in_(sorted(departments))
    return [or_(wanted, cases.c.department_id.is_(None))] if unrouted else [wanted]


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

    def counts(self, *, departments: Collection[str] | None) -> dict[CaseStatus, int]:
        rows = self.session.execute(select(cases.c.status, func.count())
                                    .where(*_in(departments)).group_by(cases.c.status))
        found = {CaseStatus(status): count for status, count in rows}
        return {status: found.get(status, 0) for status in CaseStatus}
