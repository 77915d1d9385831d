"""A second staff member approves a draft batch (the one who made it cannot)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.disbursements.common import load_batch, record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import ControlTotals, PaymentBatch

__all__ = ["ApproveBatch", "approve_batch"]


@frozen
class ApproveBatch:
    batch_id: str
    actor: Actor


def approve_batch(command: ApproveBatch, *, uow: UnitOfWork, ids: IdGenerator,
                  clock: Clock) -> PaymentBatch:
    command.actor.ensure(Permission.APPROVE_BATCHES, "支払バッチを承認")
    now = clock.now()
    with uow:
        batch = load_batch(uow, command.batch_id)
        batch.ensure_totals(ControlTotals.of(
            amount for _, amount, _ in uow.disbursements.ids_in_batch(batch.id)))
        batch.approve(by=command.actor.id, at=now)
        record_payment(uow, ids, command.actor, "approved", at=now, batch_id=batch.id,
                       detail=f"{batch.count}件 {batch.total.yen}円")
        uow.commit()
    return batch
