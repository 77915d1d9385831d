"""A procedure's fee, waiting to be paid (手数料の支払待ち, ADR 0053): a finished procedure with a
fee is not a case yet. Its answers are kept here, out of every inbox list, count, badge, map
and alert, until the fee is paid; then its case is opened (and the answers live in the case,
not here), or, never paid within a few days, it is dropped with its answers.

The amount is fixed when the resident finishes (`unit_amount` × `quantity`): what they were
shown is what they pay, whatever staff change in the procedure afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import define, field

from domain.errors import IllegalTransition
from domain.events import FeePaid, FeePaymentLapsed, FeeRefunded
from domain.payments import FeePayable, PaymentState
from domain.values import Money

__all__ = ["FeePayment"]


@define(slots=False, eq=False)
class FeePayment(FeePayable):
    id: str
    procedure_id: str
    identity_id: str  # the channel identity the resident finished on: told there
    label: str  # 粗大ごみ処理手数料
    unit_amount: Money
    quantity: int  # 1 for a fixed fee
    unit: str  # 点 (a fixed fee: "")
    created_at: dt.datetime
    answers: dict[str, Any] = field(factory=dict)  # the procedure's answers, until the case
    resident_id: str | None = None
    conversation_id: str | None = None
    case_id: str | None = None  # the case opened when it was paid
    payment_state: PaymentState = PaymentState.UNPAID
    payment_reference: str | None = None
    payment_provider: str | None = None
    payment_provider_id: str | None = None
    payment_url: str | None = None
    payment_id: str | None = None
    payment_attempts: int = 0
    payment_started_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    refund_reference: str | None = None
    refunded_at: dt.datetime | None = None
    refunded_by: str | None = None  # the staff member (an actor id)

    @property
    def amount_due(self) -> Money:
        return self.unit_amount.times(self.quantity)

    @property
    def payment_description(self) -> str:
        return f"{self.label} {self.quantity}{self.unit}" if self.unit else self.label

    @property
    def settled(self) -> bool:
        """Paid (or paid and refunded): its case exists."""
        return self.payment_state in {PaymentState.PAID, PaymentState.REFUNDED}

    def ensure_payable(self) -> None:
        if self.case_id is not None:
            raise IllegalTransition("この手数料はすでに支払われています。", code="already_paid")

    def paid_event(self) -> FeePaid:
        return FeePaid(fee_id=self.id)

    def lapsed_event(self, cancelled: bool) -> FeePaymentLapsed:
        return FeePaymentLapsed(fee_id=self.id, cancelled=cancelled)

    def case_opened(self, case_id: str) -> None:
        """Paid: the case holds the answers from now on."""
        self.case_id, self.answers = case_id, {}

    def refunded(self, *, reference: str, by: str, at: dt.datetime) -> None:
        """Staff refunded it through the gateway (the resident is told)."""
        self.mark_refunded(reference=reference, at=at)
        self.refunded_by = by
        self.record(FeeRefunded(fee_id=self.id))
