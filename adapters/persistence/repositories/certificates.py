"""The repository of certificate requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from adapters.persistence.repositories.base import SqlRepository
from domain.certificates import CertificateRequest, PaymentState

__all__ = ["SqlCertificateRequestRepository"]


class SqlCertificateRequestRepository(SqlRepository):
    model = CertificateRequest

    def get_by_payment_reference(self, reference: str) -> CertificateRequest | None:
        return self._one(CertificateRequest.payment_reference == reference)

    def pending_payments(self, *, started_before: dt.datetime,
                         limit: int = 200) -> Sequence[CertificateRequest]:
        found = self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.payment_state == PaymentState.PENDING,
                CertificateRequest.payment_started_at < started_before)
            .order_by(CertificateRequest.payment_started_at).limit(limit)).all()
        self.tracked.update(found)
        return found
