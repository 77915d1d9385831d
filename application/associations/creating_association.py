"""Create an association (自治会・町内会); its name is unique in the town. Audited with it."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.associations.common import conflicts_refused
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.associations import Association
from domain.errors import InvalidValue

__all__ = ["CreateAssociation", "create_association"]


@frozen
class CreateAssociation:
    name: str
    actor: Actor
    open_to_join: bool = False


def create_association(command: CreateAssociation, *, uow: UnitOfWork, ids: IdGenerator,
                       clock: Clock) -> str:
    command.actor.ensure(Permission.SEND_NOTICES, "自治会・町内会を登録")
    now = clock.now()
    association = Association.create(id=ids.new_id(), name=command.name, at=now,
                                     open_to_join=command.open_to_join)
    taken = f"「{association.name}」はすでに登録されています。"
    with conflicts_refused(taken), uow:  # the same name registered at the same moment
        if uow.associations.get_by_name(association.name) is not None:
            raise InvalidValue(f"「{association.name}」はすでに登録されています。",
                               code="duplicate_association")
        uow.associations.add(association)
        record(uow, command.actor, "association.create", "association", association.id, at=now,
               open_to_join=association.open_to_join)
        uow.commit()
    return association.id
