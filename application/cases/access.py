"""Who may see and handle a case: the members of its department (administrators: every case,
and the ones no department holds yet). A case worker of another department is refused in
Japanese, and nothing is shown or changed."""

from __future__ import annotations

from application.access.actor import Actor
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.cases import InboxCase
from domain.errors import NotAllowed, NotFound

__all__ = ["visible_departments", "workable_case"]


def visible_departments(actor: Actor, uow: UnitOfWork) -> set[str] | None:
    """The departments whose inbox the actor sees (None: every one). Inside `with uow:`."""
    if actor.may(Permission.ADMINISTER):
        return None
    return uow.departments.ids_of_staff(actor.party)


def workable_case(case_id: str, actor: Actor, uow: UnitOfWork, doing: str) -> InboxCase:
    """The case, when the actor may handle it. Inside `with uow:`."""
    actor.ensure(Permission.HANDLE_CASES, doing)
    case = uow.cases.get(case_id)
    if case is None:
        raise NotFound("案件が見つかりません。", code="case_not_found")
    visible = visible_departments(actor, uow)
    if visible is not None and case.department_id not in visible:
        department = uow.departments.get(case.department_id) if case.department_id else None
        owner = f"「{department.name}」" if department else "どの課にも振り分けられていない"
        raise NotAllowed(f"受付番号 {case.number} は{owner}の案件です。担当する課の職員だけが"
                         f"{doing}できます。", code="other_department")
    return case
