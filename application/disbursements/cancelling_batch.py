"""Cancel a batch before its file is made: its payments go back to pending for a new batch."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.disbursements.common import load_batch, record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import PaymentBatch

__all__ = ["CancelBatch", "cancel_batch"]


@frozen
class CancelBatch:
    batch_id: str
    actor: Actor
    reason: str


def cancel_batch(command: CancelBatch, *, uow: UnitOfWork, ids: IdGenerator,
                 clock: Clock) -> PaymentBatch:
    command.actor.ensure(Permission.HANDLE_APPLICATIONS, "支払バッチを取消")
    now = clock.now()
    with uow:
        batch = load_batch(uow, command.batch_id)
        batch.cancel(by=command.actor.id, at=now, reason=command.reason,
                     disbursements=uow.disbursements.in_batch(batch.id))
        record_payment(uow, ids, command.actor, "cancelled", at=now, batch_id=batch.id,
                       detail=batch.cancel_reason)
        uow.commit()
    return batch
