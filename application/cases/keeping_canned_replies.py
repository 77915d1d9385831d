"""定型文 (ADR 0047): a department's members (and administrators) keep its short list of canned
replies; the case page's reply form offers them. Adding and deleting are audited; reading them
is not (they hold no personal data)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import visible_departments
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.canned_replies import CannedReply
from domain.cases import Department
from domain.errors import NotAllowed, NotFound

__all__ = ["AddCannedReply", "CannedReplies", "DeleteCannedReply", "add_canned_reply",
           "canned_replies", "delete_canned_reply", "keepable_departments"]


@frozen
class AddCannedReply:
    department_id: str
    title: str
    text: str
    actor: Actor


@frozen
class DeleteCannedReply:
    reply_id: str
    actor: Actor


@frozen
class CannedReplies:
    department: Department
    replies: tuple[CannedReply, ...]


def keepable_departments(actor: Actor, *, uow: UnitOfWork) -> list[Department]:
    """The departments whose canned replies the actor keeps (and whose cases they export)."""
    with uow:
        return _keepable(actor, uow)


def _keepable(actor: Actor, uow: UnitOfWork) -> list[Department]:
    actor.ensure(Permission.HANDLE_CASES, "定型文を管理")
    visible = visible_departments(actor, uow)
    return [d for d in uow.departments.all() if visible is None or d.id in visible]


def canned_replies(department_id: str, *, actor: Actor, uow: UnitOfWork) -> CannedReplies:
    """A department's canned replies, for one of its members (or an administrator)."""
    with uow:
        department = _department(department_id, actor, uow)
        return CannedReplies(department, tuple(uow.canned_replies.of_department(department.id)))


def add_canned_reply(command: AddCannedReply, *, uow: UnitOfWork, ids: IdGenerator,
                     clock: Clock) -> CannedReply:
    now = clock.now()
    with uow:
        department = _department(command.department_id, command.actor, uow)
        reply = CannedReply.written(
            id=ids.new_id(), department_id=department.id, title=command.title,
            text=command.text, existing=len(uow.canned_replies.of_department(department.id)),
            by=command.actor.id, at=now)
        uow.canned_replies.add(reply)
        record(uow, command.actor, "canned_reply.create", "department", department.id, at=now)
        uow.commit()
    return reply


def delete_canned_reply(command: DeleteCannedReply, *, uow: UnitOfWork, clock: Clock) -> str:
    """Returns the department the reply was of."""
    now = clock.now()
    with uow:
        reply = uow.canned_replies.get(command.reply_id)
        if reply is None:
            raise NotFound("定型文が見つかりません。", code="canned_reply_not_found")
        department = _department(reply.department_id, command.actor, uow)
        uow.canned_replies.remove(reply)
        record(uow, command.actor, "canned_reply.delete", "department", department.id, at=now)
        uow.commit()
    return department.id


def _department(department_id: str, actor: Actor, uow: UnitOfWork) -> Department:
    department = uow.departments.get(department_id) if department_id else None
    if department is None:
        raise NotFound("課が見つかりません。", code="department_not_found")
    if all(d.id != department.id for d in _keepable(actor, uow)):
        raise NotAllowed(f"「{department.name}」の定型文は、その課の職員だけが管理できます。",
                         code="other_department")
    return department
