"""A fee paid online (手数料のオンライン決済): the states of its payment and the attempts with the
payment gateway, shared by everything that takes a fee (a certificate request, a procedure's
fee, ADR 0015 and 0053).

Each attempt has its own reference (`<id>-<n>`), sent as the provider's idempotency key, so a
lapsed attempt is never reused; a fee is refunded whole, once, under its own reference
(`<id>-refund`). The class that takes the fee declares the fields (`payment_state`,
`payment_reference`, …) and says what it is and when it may be paid.
"""

from __future__ import annotations

import abc
import datetime as dt
import enum

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue
from domain.events import Event
from domain.values import Money

__all__ = ["FeePayable", "PaymentState"]


class PaymentState(enum.Enum):
    UNPAID = "unpaid"
    PENDING = "pending"  # a payment was started with the gateway
    PAID = "paid"
    REFUNDED = "refunded"

    @property
    def label(self) -> str:
        return {"unpaid": "未払い", "pending": "支払手続き中", "paid": "支払済み",
                "refunded": "返金済み"}[self.value]


class FeePayable(Aggregate, abc.ABC):
    """The payment side of an aggregate that takes a fee. Its class declares these fields and
    `amount_due`, and may refuse a payment in `ensure_payable` (a withdrawn request)."""

    id: str
    payment_state: PaymentState
    payment_reference: str | None
    payment_provider: str | None
    payment_provider_id: str | None  # the provider's id of the attempt (code, transaction)
    payment_url: str | None  # where the payer goes for the current attempt
    payment_id: str | None  # the provider's id of the completed payment
    payment_attempts: int
    payment_started_at: dt.datetime | None
    paid_at: dt.datetime | None
    refund_reference: str | None
    refunded_at: dt.datetime | None

    @property
    @abc.abstractmethod
    def amount_due(self) -> Money:
        """What the payer owes."""

    @property
    @abc.abstractmethod
    def payment_description(self) -> str:
        """What the provider shows the payer (粗大ごみ処理手数料 3点)."""

    def ensure_payable(self) -> None:
        """Raise `IllegalTransition` when this fee may not be paid now."""

    def paid_event(self) -> Event | None:
        return None

    def lapsed_event(self, cancelled: bool) -> Event | None:
        return None

    # -- attempts ----------------------------------------------------------------------------

    def next_payment_reference(self) -> str:
        """The reference (our merchant payment id, also the idempotency key) of the next
        attempt: one per attempt, so a lapsed attempt is never reused."""
        return f"{self.id}-{self.payment_attempts + 1}"

    def skip_payment_reference(self) -> None:
        """An attempt whose creation failed half-way (the provider may hold it under its
        reference without anyone having its URL): the next attempt takes a new reference."""
        self.payment_attempts += 1

    def start_payment(self, reference: str, *, provider: str | None = None,
                      provider_id: str | None = None, url: str | None = None,
                      at: dt.datetime | None = None) -> None:
        if self.payment_state not in {PaymentState.UNPAID, PaymentState.PENDING}:
            raise IllegalTransition("この手数料はすでに支払われています。", code="already_paid")
        self.ensure_payable()
        self.payment_state = PaymentState.PENDING
        self.payment_reference = reference
        self.payment_provider, self.payment_provider_id = provider, provider_id
        self.payment_url, self.payment_started_at = url, at
        self.payment_attempts += 1

    def payment_lapsed(self) -> bool:
        """The payment expired or was cancelled: the fee stays unpaid. Returns whether anything
        changed (a second report of the same lapse changes nothing)."""
        if self.payment_state is not PaymentState.PENDING:
            return False
        self.payment_state = PaymentState.UNPAID
        self.payment_reference = None
        self.payment_provider_id = self.payment_url = None
        return True

    def payment_failed(self, *, cancelled: bool) -> bool:
        """The provider says the payment expired (or was cancelled): the fee stays unpaid and
        the payer is to be told, with a way to pay again. Returns whether anything changed."""
        if not self.payment_lapsed():
            return False
        event = self.lapsed_event(cancelled)
        if event is not None:
            self.record(event)
        return True

    def mark_paid(self, *, payment_id: str | None = None, amount: Money | None = None,
                  at: dt.datetime | None = None) -> None:
        if self.payment_state is PaymentState.PAID:
            raise IllegalTransition("この手数料はすでに支払われています。", code="already_paid")
        if self.payment_state is not PaymentState.PENDING:
            raise IllegalTransition("支払が開始されていない手数料です。")
        if amount is not None and amount != self.amount_due:
            raise InvalidValue(f"支払額（{amount.format()}）が請求額（{self.amount_due.format()}）"
                               "と一致しません。")
        self.payment_state = PaymentState.PAID
        self.payment_id, self.paid_at = payment_id, at
        event = self.paid_event()
        if event is not None:
            self.record(event)

    # -- refunds -----------------------------------------------------------------------------

    def refund_reference_for(self) -> str:
        """The merchant refund id: one per fee (a fee is refunded whole, once)."""
        return f"{self.id}-refund"

    def mark_refunded(self, *, reference: str | None = None,
                      at: dt.datetime | None = None) -> None:
        if self.payment_state is PaymentState.REFUNDED:
            raise IllegalTransition("この手数料はすでに返金されています。",
                                    code="already_refunded")
        if self.payment_state is not PaymentState.PAID:
            raise IllegalTransition("支払われていない手数料は返金できません。")
        self.payment_state = PaymentState.REFUNDED
        self.refund_reference, self.refunded_at = reference, at
