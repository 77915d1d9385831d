"""Remove a member from an association (their read receipts go with them). Audited with it."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.associations.common import association_or_refuse, conflicts_refused
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import NotFound

__all__ = ["RemoveMember", "remove_member"]


@frozen
class RemoveMember:
    association_id: str
    member_id: str
    actor: Actor


def remove_member(command: RemoveMember, *, uow: UnitOfWork, clock: Clock) -> None:
    command.actor.ensure(Permission.SEND_NOTICES, "自治会・町内会の会員を外すことは")
    with conflicts_refused("その会員はいません（すでに外れています）。", error=NotFound), uow:
        association = association_or_refuse(uow, command.association_id)
        member = uow.associations.member(command.member_id)
        if member is None or member.association_id != association.id:
            raise NotFound("その会員はいません（すでに外れています）。", code="member_not_found")
        uow.circulars.forget_member(member.id)
        uow.associations.remove_member(member)
        record(uow, command.actor, "association.remove_member", "association", association.id,
               at=clock.now(), member=member.id)
        uow.commit()
