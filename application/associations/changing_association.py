"""Rename an association and say whether residents may join it in the chat. Audited with it."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.associations.common import association_or_refuse, conflicts_refused
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import InvalidValue

__all__ = ["ChangeAssociation", "change_association"]


@frozen
class ChangeAssociation:
    association_id: str
    name: str
    open_to_join: bool
    actor: Actor


def change_association(command: ChangeAssociation, *, uow: UnitOfWork, clock: Clock) -> None:
    command.actor.ensure(Permission.SEND_NOTICES, "自治会・町内会を変更")
    with conflicts_refused("ほかの職員が同時に変更しました（同じ名前の登録を含む）。画面を開き"
                           "直してから、もう一度変更してください。"), uow:
        association = association_or_refuse(uow, command.association_id)
        association.rename(command.name)
        same_name = uow.associations.get_by_name(association.name)
        if same_name is not None and same_name.id != association.id:
            raise InvalidValue(f"「{association.name}」はすでに登録されています。",
                               code="duplicate_association")
        association.open_for_joining(command.open_to_join)
        record(uow, command.actor, "association.change", "association", association.id,
               at=clock.now(), open_to_join=association.open_to_join)
        uow.commit()
