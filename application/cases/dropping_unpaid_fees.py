"""A procedure's fee never paid (ADR 0053): some days after the resident finished, the answers
that waited for it are dropped — the waiting fee and the answers its conversation kept — and
nothing is left of it. Run by the scheduled work, in small batches, each drop audited in its
transaction. An attempt still open is left to the payment expiry (it may have been paid)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from application.access.actor import SYSTEM
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork

__all__ = ["BATCH", "UNPAID_FEE_DAYS", "drop_unpaid_fees"]

UNPAID_FEE_DAYS = 3  # a fee not paid within this many days is dropped with its answers
BATCH = 200


def drop_unpaid_fees(*, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                     days: int = UNPAID_FEE_DAYS) -> int:
    """Returns how many were dropped."""
    now = clock.now()
    cutoff = now - dt.timedelta(days=days)
    dropped = 0
    for _ in range(50):  # at most 10,000 a run: the next run takes the rest
        try:
            done = _drop_batch(uow_factory(), cutoff, now)
        except ConcurrentUpdate:  # the resident started paying meanwhile: next run
            return dropped
        dropped += done
        if done < BATCH:
            break
    return dropped


def _drop_batch(uow: UnitOfWork, cutoff: dt.datetime, now: dt.datetime) -> int:
    with uow:
        found = list(uow.fee_payments.unpaid_before(created_before=cutoff, limit=BATCH))
        for fee in found:
            conversation = (uow.conversations.get(fee.conversation_id)
                            if fee.conversation_id else None)
            if conversation is not None:
                conversation.forget_answers()
            record(uow, SYSTEM, "case.fee_drop", "fee_payment", fee.id, at=now)
            uow.fee_payments.remove(fee)
        uow.commit()
    return len(found)
