"""What follows from payments' events (run by the message bus, in the transaction of the
change): a failed transfer is recorded and the household is asked for a corrected account; a
batch that closes is recorded; a new ATM pickup code is sent to the household."""

from __future__ import annotations

from collections.abc import Sequence

from application.access.actor import actor_by_id
from application.disbursements.common import record_payment
from application.disbursements.notices import code_message, failure_notice
from application.messaging.telling import Telling, Told
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.batches import BatchState
from domain.benefits import PayoutMethod
from domain.disbursements import DisbursementStatus
from domain.events import BatchStateChanged, CashCodeIssued, DisbursementStateChanged

__all__ = ["BatchClosed", "CashCodeNotice", "PaymentFailed"]

_CLOSED = {BatchState.SETTLED.value, BatchState.PARTLY_FAILED.value}
FALLBACK_NAME = "給付金"


def _program_name(uow: UnitOfWork, program_id: str) -> str:
    program = uow.programs.get(program_id)
    return program.name if program is not None else FALLBACK_NAME


class PaymentFailed:
    """支払不能: recorded (with the reason), and for a bank transfer the household is told why,
    with a button to send a corrected account and passbook photo in the chat."""

    def __init__(self, telling: Telling, ids: IdGenerator, clock: Clock) -> None:
        self.telling, self.ids, self.clock = telling, ids, clock

    def __call__(self, events: Sequence[DisbursementStateChanged], uow: UnitOfWork) -> None:
        notices: list[Told] = []
        for event in events:
            if event.status != DisbursementStatus.FAILED.value:
                continue
            disbursement = uow.disbursements.get(event.disbursement_id)
            application = uow.applications.get(event.application_id)
            if disbursement is None or application is None:
                continue
            record_payment(uow, self.ids, actor_by_id(uow, event.by), "failed",
                           at=self.clock.now(), batch_id=disbursement.batch_id,
                           disbursement_id=disbursement.id, detail=disbursement.failure_reason)
            if disbursement.method is PayoutMethod.BANK_TRANSFER:
                notices.append((application.household_id, [failure_notice(
                    _program_name(uow, application.program_id), disbursement.failure_reason,
                    application.id)]))
        self.telling.households(uow, notices)


class BatchClosed:
    """支払完了 or 一部支払不能: the batch closed because the last of its payments settled or
    failed (after a bank's results, or the last ATM code picked up or given up)."""

    def __init__(self, ids: IdGenerator, clock: Clock) -> None:
        self.ids, self.clock = ids, clock

    def __call__(self, events: Sequence[BatchStateChanged], uow: UnitOfWork) -> None:
        for event in events:
            if event.state in _CLOSED:
                record_payment(uow, self.ids, actor_by_id(uow, event.actor), event.state,
                               at=self.clock.now(), batch_id=event.batch_id)


class CashCodeNotice:
    """A pickup code (first or re-issued) goes to the household in the chat."""

    def __init__(self, telling: Telling) -> None:
        self.telling = telling

    def __call__(self, events: Sequence[CashCodeIssued], uow: UnitOfWork) -> None:
        notices: list[Told] = []
        # The payouts and payments changed in this transaction (no query); their applications
        # in one query for all the codes of a batch.
        found = [(uow.cash_payouts.get(e.payout_id), uow.disbursements.get(e.disbursement_id))
                 for e in events]
        applications = uow.applications.by_ids(
            sorted({d.application_id for _, d in found if d is not None}))
        for payout, disbursement in found:
            application = (applications.get(disbursement.application_id)
                           if disbursement is not None else None)
            if payout is not None and disbursement is not None and application is not None:
                notices.append((application.household_id, [code_message(
                    _program_name(uow, application.program_id), payout, disbursement)]))
        self.telling.households(uow, notices)
