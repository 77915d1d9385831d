"""The staff navigation's badge on 受付箱 (ADR 0047): how many 新規 cases wait in the member's
departments (administrators: in every one, and those no department holds). A count, no personal
data: not audited."""

from __future__ import annotations

from application.access.actor import Actor
from application.cases.access import visible_departments
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.cases import CaseStatus

__all__ = ["new_cases_count"]


def new_cases_count(actor: Actor, uow: UnitOfWork) -> int | None:
    """None: the actor has no inbox."""
    if not actor.may(Permission.HANDLE_CASES):
        return None
    with uow:
        visible = visible_departments(actor, uow)
        if visible is not None and not visible:
            return 0
        return uow.queries.cases.count(CaseStatus.NEW, departments=visible)
