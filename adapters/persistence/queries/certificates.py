"""The certificate issue queue for people to read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.certificates import CertificateRequest, IssueState, PaymentState

__all__ = ["SqlCertificateQueries"]


class SqlCertificateQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def queue(self, *, states: Sequence[IssueState],
              limit: int = 200) -> Sequence[CertificateRequest]:
        return self.session.scalars(
            select(CertificateRequest).where(
                CertificateRequest.payment_state.in_([PaymentState.PAID,
                                                      PaymentState.REFUNDED]),
                CertificateRequest.issue_state.in_(list(states)))
            .order_by(CertificateRequest.paid_at, CertificateRequest.id).limit(limit)).all()
