"""What the disbursement use cases share: finding a batch, and recording what happened to a
batch or a payment (in the payments' own trail, shown with the batch, and in the town's audit
log), in the transaction of the change."""

from __future__ import annotations

import datetime as dt

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.errors import NotFound

__all__ = ["load_batch", "record_payment"]


def record_payment(uow: UnitOfWork, ids: IdGenerator, actor: Actor, action: str, *,
                   at: dt.datetime, batch_id: str | None = None,
                   disbursement_id: str | None = None, detail: str = "") -> None:
    """One entry in the payments' trail (`payment_audit_entries`) and one in the hash-chained
    audit log (`payment_batch.<action>` or `disbursement.<action>`)."""
    uow.payment_audit.add(PaymentAuditEntry(id=ids.new_id(), at=at, actor=actor.id,
                                            action=action, batch_id=batch_id,
                                            disbursement_id=disbursement_id, detail=detail))
    target_type, target_id = (("disbursement", disbursement_id) if disbursement_id
                              else ("payment_batch", batch_id or ""))
    facts: dict[str, str | int | bool] = {"note": detail[:200]} if detail else {}
    if disbursement_id and batch_id:
        facts["batch_id"] = batch_id
    record(uow, actor, f"{target_type}.{action}", target_type, target_id, at=at, **facts)


def load_batch(uow: UnitOfWork, batch_id: str) -> PaymentBatch:
    """A batch by id or by its number (what staff read on the page and the file)."""
    batch = uow.batches.get(batch_id)
    if batch is None and batch_id.isdigit():
        batch = uow.batches.get_by_number(int(batch_id))
    if batch is None:
        raise NotFound(f"支払バッチ「{batch_id}」が見つかりません。")
    return batch
