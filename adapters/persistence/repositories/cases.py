"""Repositories of departments (with who belongs to them), cases and their threads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select

from adapters.persistence.orm.cases import cases, department_members
from adapters.persistence.repositories.base import SqlRepository
from domain.canned_replies import CannedReply
from domain.cases import CaseEntry, CaseStatus, Department, DepartmentMembership, InboxCase

__all__ = ["SqlCannedReplyRepository", "SqlCaseEntryRepository", "SqlCaseRepository",
           "SqlDepartmentRepository"]


class SqlDepartmentRepository(SqlRepository):
    model = Department

    def all(self) -> list[Department]:
        found = list(self.session.scalars(select(Department).order_by(Department.name)))
        self.tracked.update(found)
        return found

    def get_by_name(self, name: str) -> Department | None:
        return self._one(Department.name == name)

    def ids_of_staff(self, staff_id: str) -> set[str]:
        """The departments a staff member belongs to."""
        return set(self.session.scalars(
            select(department_members.c.department_id)
            .where(department_members.c.staff_id == staff_id)))

    def members_by_department(self) -> dict[str, set[str]]:
        """Every department's members: department id → staff ids."""
        found: dict[str, set[str]] = {}
        for department_id, staff_id in self.session.execute(select(department_members)):
            found.setdefault(department_id, set()).add(staff_id)
        return found

    def set_staff_departments(self, staff_id: str, department_ids: Sequence[str]) -> None:
        """The staff member belongs to exactly these departments."""
        self.session.execute(delete(department_members)
                             .where(department_members.c.staff_id == staff_id))
        for department_id in sorted(set(department_ids)):
            self.session.add(DepartmentMembership(department_id=department_id,
                                                  staff_id=staff_id))


class SqlCaseRepository(SqlRepository):
    model = InboxCase

    def get_by_number(self, number: str) -> InboxCase | None:
        return self._one(InboxCase.number == number)

    def latest_number(self, year_prefix: str) -> str | None:
        """The highest 受付番号 of a year ("2026-"): the unique index answers it."""
        return self.session.scalar(select(func.max(cases.c.number))
                                   .where(cases.c.number.like(f"{year_prefix}%")))

    def holding_chat(self, identity_id: str) -> InboxCase | None:
        """The newest case that holds this identity's chat (the bot steps aside for it)."""
        return self._one_ordered((InboxCase.created_at.desc(),),
                                 InboxCase.identity_id == identity_id,
                                 InboxCase.holds_the_chat.is_(True))

    def past_retention(self, closed_before: dt.datetime, *, limit: int) -> list[InboxCase]:
        """Closed before then and not yet erased (ADR 0047), oldest first."""
        found = list(self.session.scalars(select(InboxCase).where(*_past(closed_before))
                                          .order_by(cases.c.closed_at, cases.c.id).limit(limit)))
        self.tracked.update(found)
        return found

    def count_past_retention(self, closed_before: dt.datetime) -> int:
        return self.session.scalar(select(func.count()).select_from(cases)
                                   .where(*_past(closed_before))) or 0

    def count_of_procedure(self, procedure_id: str) -> int:
        return self.session.scalar(select(func.count()).select_from(cases)
                                   .where(cases.c.procedure_id == procedure_id)) or 0

    def all_holding_chat(self, identity_id: str) -> list[InboxCase]:
        found = list(self.session.scalars(select(InboxCase).where(
            InboxCase.identity_id == identity_id, InboxCase.holds_the_chat.is_(True))))
        self.tracked.update(found)
        return found


def _past(closed_before: dt.datetime) -> tuple[Any, ...]:
    return (cases.c.status == CaseStatus.CLOSED.value, cases.c.closed_at < closed_before,
            cases.c.erased_at.is_(None))


class SqlCaseEntryRepository(SqlRepository):
    model = CaseEntry

    def of_case(self, case_id: str) -> list[CaseEntry]:
        return list(self.session.scalars(select(CaseEntry).where(CaseEntry.case_id == case_id)
                                          .order_by(CaseEntry.at, CaseEntry.id)))

    def by_request_key(self, request_key: str) -> CaseEntry | None:
        return self._one(CaseEntry.request_key == request_key)


class SqlCannedReplyRepository(SqlRepository):
    model = CannedReply

    def of_department(self, department_id: str) -> list[CannedReply]:
        return list(self.session.scalars(
            select(CannedReply).where(CannedReply.department_id == department_id)
            .order_by(CannedReply.title, CannedReply.id)))

    def remove(self, reply: CannedReply) -> None:
        self.session.delete(reply)
