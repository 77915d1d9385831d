"""Administrators set the name residents read for a staff member in a consultation (相談):
「担当 A」 or a family-name-free name, never the full name (氏名). Empty: 担当 and the login's
initial. Audited with the change."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import NotFound
from domain.staff import StaffMember

__all__ = ["NameForResidents", "name_for_residents"]


@frozen
class NameForResidents:
    staff_id: str
    name: str
    actor: Actor


def name_for_residents(command: NameForResidents, *, uow: UnitOfWork,
                       clock: Clock) -> StaffMember:
    command.actor.ensure(Permission.ADMINISTER, "住民に表示する職員の名前を変更")
    with uow:
        member = uow.staff.get(command.staff_id)
        if member is None:
            raise NotFound("職員が見つかりません。")
        member.rename_for_residents(command.name)
        record(uow, command.actor, "staff.chat_name", "staff", member.id, at=clock.now())
        uow.commit()
    return member
