"""The repository of procedure fees (ADR 0053)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select

from adapters.persistence.repositories.base import SqlPayableRepository
from domain.fees import FeePayment
from domain.payments import PaymentState

__all__ = ["SqlFeePaymentRepository"]


class SqlFeePaymentRepository(SqlPayableRepository):
    model = FeePayment

    def of_case(self, case_id: str) -> FeePayment | None:
        return self._one(FeePayment.case_id == case_id)

    def unpaid_before(self, *, created_before: dt.datetime,
                      limit: int = 200) -> Sequence[FeePayment]:
        """Fees never paid (no attempt open) since before this moment: to be dropped."""
        found = self.session.scalars(select(FeePayment).where(
            FeePayment.payment_state == PaymentState.UNPAID,
            FeePayment.created_at < created_before)
            .order_by(FeePayment.created_at).limit(limit)).all()
        self.tracked.update(found)
        return found

    def count_waiting(self, procedure_id: str) -> int:
        return self.session.scalar(
            select(func.count()).select_from(FeePayment).where(
                FeePayment.procedure_id == procedure_id, FeePayment.case_id.is_(None))) or 0

    def remove(self, fee: FeePayment) -> None:
        self.session.delete(fee)
