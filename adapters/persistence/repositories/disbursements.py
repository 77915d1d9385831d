"""Repositories of disbursements, payment batches, payment audit entries and cash payouts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import func, select, update

from adapters.persistence.repositories.base import SqlRepository
from application.ports.payouts import TransferLine
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.benefits import (
    Application,
    ApplicationStatus,
    PayoutMethod,
)
from domain.cash_payouts import CashPayout, CashPayoutState
from domain.disbursements import Disbursement, DisbursementStatus
from domain.values import Money

__all__ = [
    "SqlBatchRepository",
    "SqlCashPayoutRepository",
    "SqlDisbursementRepository",
    "SqlPaymentAuditRepository",
]


class SqlDisbursementRepository(SqlRepository):
    model = Disbursement

    def get_for_application(self, application_id: str) -> Disbursement | None:
        return self._one(
            Disbursement.application_id == application_id,
            Disbursement.status.not_in([DisbursementStatus.FAILED, DisbursementStatus.CANCELLED]),
        )

    # Payment batches (the transfer file is streamed: plain rows, nothing kept in the session)

    def pending_for(self, program_id: str, method: PayoutMethod) -> Sequence[Disbursement]:
        found = self.session.scalars(
            select(Disbursement).join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id, Disbursement.method == method,
                   Disbursement.status == DisbursementStatus.PENDING)
            .order_by(Disbursement.id)).all()
        self.tracked.update(found)
        return found

    def live_application_ids(self, program_id: str) -> set[str]:
        return set(self.session.scalars(
            select(Disbursement.application_id)
            .join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id,
                   Disbursement.status.not_in([DisbursementStatus.FAILED,
                                               DisbursementStatus.CANCELLED]))))

    def in_batch(self, batch_id: str, *,
                 status: DisbursementStatus | None = None) -> Sequence[Disbursement]:
        criteria = [Disbursement.batch_id == batch_id]
        if status is not None:
            criteria.append(Disbursement.status == status)
        found = self.session.scalars(
            select(Disbursement).where(*criteria).order_by(Disbursement.id)).all()
        self.tracked.update(found)
        return found

    def transfer_lines(self, batch_id: str) -> Iterator[TransferLine]:
        rows = self.session.execute(
            select(Disbursement.id, Disbursement.payee_account, Disbursement.amount)
            .where(Disbursement.batch_id == batch_id).order_by(Disbursement.id)
            .execution_options(yield_per=2000))
        for reference, account, amount in rows:
            yield TransferLine(reference=reference, account=account, amount=amount)

    def ids_in_batch(self, batch_id: str) -> Iterator[tuple[str, Money, DisbursementStatus]]:
        rows = self.session.execute(
            select(Disbursement.id, Disbursement.amount, Disbursement.status)
            .where(Disbursement.batch_id == batch_id).order_by(Disbursement.id)
            .execution_options(yield_per=5000))
        for row in rows:
            yield row[0], row[1], row[2]

    def status_counts_in_batch(self, batch_id: str) -> dict[DisbursementStatus, int]:
        rows = self.session.execute(
            select(Disbursement.status, func.count()).where(Disbursement.batch_id == batch_id)
            .group_by(Disbursement.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def move_batch(self, batch_id: str, *, from_status: DisbursementStatus,
                   to_status: DisbursementStatus, settled_at: dt.datetime | None = None) -> int:
        """Every payment of the batch in `from_status` moves to `to_status` (one statement:
        a batch of 300,000 is not loaded). Returns how many moved."""
        values: dict[str, Any] = {"status": to_status}
        if settled_at is not None:
            values["settled_at"] = settled_at
        self.session.flush()
        result = self.session.execute(
            update(Disbursement).where(Disbursement.batch_id == batch_id,
                                       Disbursement.status == from_status)
            .values(**values).execution_options(synchronize_session=False))
        self._expire(Disbursement)
        return result.rowcount  # type: ignore[attr-defined, no-any-return]

    def mark_applications_paid(self, batch_id: str) -> int:
        """Applications whose payment in this batch settled become 支払済み."""
        settled = (select(Disbursement.application_id)
                   .where(Disbursement.batch_id == batch_id,
                          Disbursement.status == DisbursementStatus.SETTLED))
        self.session.flush()
        result = self.session.execute(
            update(Application).where(Application.id.in_(settled),
                                      Application.status.in_([ApplicationStatus.APPROVED,
                                                              ApplicationStatus.PAYMENT_FAILED]))
            .values(status=ApplicationStatus.PAID).execution_options(synchronize_session=False))
        self._expire(Application)
        return result.rowcount  # type: ignore[attr-defined, no-any-return]

    def _expire(self, kind: type) -> None:
        """Objects of `kind` already loaded are read again after a bulk update."""
        for obj in list(self.session.identity_map.values()):
            if isinstance(obj, kind):
                self.session.expire(obj)


class SqlBatchRepository(SqlRepository):
    model = PaymentBatch

    def get_by_number(self, number: int) -> PaymentBatch | None:
        return self._one(PaymentBatch.number == number)

    def next_number(self) -> int:
        """The next 通し番号 (the unique constraint settles two batches made at once)."""
        return (self.session.scalar(select(func.max(PaymentBatch.number))) or 0) + 1


class SqlPaymentAuditRepository(SqlRepository):
    model = PaymentAuditEntry


class SqlCashPayoutRepository(SqlRepository):
    model = CashPayout

    def issued(self, *, limit: int = 1000) -> Sequence[CashPayout]:
        found = self.session.scalars(
            select(CashPayout).where(CashPayout.state == CashPayoutState.ISSUED)
            .order_by(CashPayout.expires_at, CashPayout.id).limit(limit)).all()
        self.tracked.update(found)
        return found
