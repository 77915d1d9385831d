"""The certificate issue queue for people to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from domain.certificates import CertificateRequest, IssueState, PaymentState

__all__ = ["SqlCertificateQueries"]


class SqlCertificateQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def queue(self, *, states: Sequence[IssueState], limit: int = 200,
              after: tuple[dt.datetime, str] | None = None) -> Sequence[CertificateRequest]:
        query = select(CertificateRequest).where(
            CertificateRequest.payment_state.in_([PaymentState.PAID, PaymentState.REFUNDED]),
            CertificateRequest.issue_state.in_(list(states)))
        if after is not None:
            at, last = after
            query = query.where(or_(CertificateRequest.paid_at > at,
                                    and_(CertificateRequest.paid_at == at,
                                         CertificateRequest.id > last)))
        return self.session.scalars(
            query.order_by(CertificateRequest.paid_at, CertificateRequest.id).limit(limit)).all()
