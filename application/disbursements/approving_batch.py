"""A second staff member approves a draft batch (the one who made it cannot, with any of their
credentials: the rule compares `Actor.party`), as they saw it: the page sends the count and
total it showed, and a batch that differs is refused."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.disbursements.common import load_batch, record_payment
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.batches import ControlTotals, PaymentBatch
from domain.errors import IllegalTransition

__all__ = ["ApproveBatch", "approve_batch"]


@frozen
class ApproveBatch:
    batch_id: str
    actor: Actor
    shown_count: int | None = None  # what the approver saw (the page's control totals)
    shown_total_yen: int | None = None


def approve_batch(command: ApproveBatch, *, uow: UnitOfWork, ids: IdGenerator,
                  clock: Clock) -> PaymentBatch:
    command.actor.ensure(Permission.APPROVE_BATCHES, "支払バッチを承認")
    now = clock.now()
    with uow:
        batch = load_batch(uow, command.batch_id)
        if ((command.shown_count is not None and command.shown_count != batch.count)
                or (command.shown_total_yen is not None
                    and command.shown_total_yen != batch.total.yen)):
            raise IllegalTransition(
                f"確認した内容（{command.shown_count}件・{command.shown_total_yen or 0:,}円）と"
                f"支払バッチの現在の内容（{batch.count}件・{batch.total.yen:,}円）が違います。"
                "ページを読み込み直し、支払先を確認してから承認してください。",
                code="batch_changed")
        batch.ensure_totals(ControlTotals.of(
            amount for _, amount, _ in uow.disbursements.ids_in_batch(batch.id)))
        batch.approve(by=command.actor.id, party=command.actor.party, at=now)
        record_payment(uow, ids, command.actor, "approved", at=now, batch_id=batch.id,
                       detail=f"{batch.count}件 {batch.total.format()}")
        uow.commit()
    return batch
