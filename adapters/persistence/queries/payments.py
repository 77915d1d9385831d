"""Payment batches' lists, trails and the ledger's rows for people to read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.benefits import Application
from domain.disbursements import Disbursement, DisbursementStatus
from domain.values import Money

__all__ = ["SqlPaymentQueries"]


class SqlPaymentQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def batches(self, *, program_id: str | None = None,
                limit: int = 200) -> Sequence[PaymentBatch]:
        statement = select(PaymentBatch).order_by(PaymentBatch.number.desc()).limit(limit)
        if program_id is not None:
            statement = statement.where(PaymentBatch.program_id == program_id)
        return self.session.scalars(statement).all()

    def trail(self, batch_id: str) -> Sequence[PaymentAuditEntry]:
        return self.session.scalars(
            select(PaymentAuditEntry).where(PaymentAuditEntry.batch_id == batch_id)
            .order_by(PaymentAuditEntry.at, PaymentAuditEntry.id)).all()

    def ledger_rows(self, program_id: str) -> Iterator[tuple[str, DisbursementStatus, Money]]:
        rows = self.session.execute(
            select(Disbursement.application_id, Disbursement.status, Disbursement.amount)
            .join(Application, Application.id == Disbursement.application_id)
            .where(Application.program_id == program_id).execution_options(yield_per=5000))
        for row in rows:
            yield row[0], row[1], row[2]
