"""The repository of certificate requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select

from adapters.persistence.repositories.base import SqlRepository
from domain.certificates import CertificateRequest, IssueState, PaymentState

__all__ = ["SqlCertificateRequestRepository"]


class SqlCertificateRequestRepository(SqlRepository):
    model = CertificateRequest

    def get_by_payment_reference(self, reference: str) -> CertificateRequest | None:
        return self._one(CertificateRequest.payment_reference == reference)

    def queue(self, *, states: Sequence[IssueState],
              limit: int = 200) -> Sequence[CertificateRequest]:
        """Paid (or refunded) requests in these issue states, the longest-waiting first."""
        found = self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.payment_state.in_([PaymentState.PAID,
                                                      PaymentState.REFUNDED]),
                CertificateRequest.issue_state.in_(list(states)))
            .order_by(CertificateRequest.paid_at, CertificateRequest.id).limit(limit)).all()
        self.tracked.update(found)
        return found

    def pending_payments(self, *, started_before: dt.datetime,
                         limit: int = 200) -> Sequence[CertificateRequest]:
        found = self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.payment_state == PaymentState.PENDING,
                CertificateRequest.payment_started_at < started_before)
            .order_by(CertificateRequest.payment_started_at).limit(limit)).all()
        self.tracked.update(found)
        return found
