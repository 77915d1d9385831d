"""The base of the SQLAlchemy repositories: each adds to and reads from the unit of work's
session and keeps what it touched (`tracked`) for the unit of work to collect events from."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain.payments import PaymentState

__all__ = ["SqlPayableRepository", "SqlRepository"]


class SqlRepository:
    model: type[Any]

    def __init__(self, session: Session) -> None:
        self.session = session
        self.tracked: set[Any] = set()

    def add(self, obj: Any) -> None:
        self.session.add(obj)
        self.tracked.add(obj)

    def get(self, obj_id: str) -> Any:
        obj = self.session.get(self.model, obj_id)
        if obj is not None:
            self.tracked.add(obj)
        return obj

    def _one(self, *criteria: Any) -> Any:
        return self._one_ordered((), *criteria)

    def _one_ordered(self, order: tuple[Any, ...], *criteria: Any) -> Any:
        obj = self.session.scalars(select(self.model).where(*criteria).order_by(*order)).first()
        if obj is not None:
            self.tracked.add(obj)
        return obj

    def count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(self.model)) or 0


class SqlPayableRepository(SqlRepository):
    """What takes a fee (`domain.payments.FeePayable`): found by an attempt's reference, and
    the attempts still open since a moment (for the expiry job)."""

    def get_by_payment_reference(self, reference: str) -> Any:
        return self._one(self.model.payment_reference == reference)

    def pending_payments(self, *, started_before: dt.datetime,
                         limit: int = 200) -> Sequence[Any]:
        found = self.session.scalars(
            select(self.model).where(self.model.payment_state == PaymentState.PENDING,
                                     self.model.payment_started_at < started_before)
            .order_by(self.model.payment_started_at).limit(limit)).all()
        self.tracked.update(found)
        return found
