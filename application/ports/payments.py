"""Payment gateways for fees (PayPay, LINE Pay, a fake): amounts are integer yen.

The outcome of a payment is always read from the provider, server-side (`settle`): what comes
back through the payer's browser only says which payment to look at.
"""

from __future__ import annotations

import enum
from typing import Protocol

from attrs import frozen

from domain.values import Money

__all__ = [
    "PaymentError",
    "PaymentGateway",
    "PaymentOutcome",
    "PaymentStarted",
    "PaymentStatus",
    "RefundOutcome",
]


class PaymentStatus(enum.Enum):
    CREATED = "created"  # waiting for the payer
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    FAILED = "failed"

    @property
    def lapsed(self) -> bool:
        """The payer can no longer pay this attempt: a new one is needed."""
        return self in {PaymentStatus.EXPIRED, PaymentStatus.CANCELLED, PaymentStatus.FAILED}


class PaymentError(Exception):
    """The provider refused or could not be asked. `retryable` says whether asking again later
    with the same reference can succeed (a timeout, a 5xx) or not (a refusal, a bad signature,
    an answer that does not match what was asked)."""

    def __init__(self, detail: str, *, retryable: bool = False, code: str = "") -> None:
        super().__init__(detail)
        self.detail, self.retryable, self.code = detail, retryable, code


@frozen
class PaymentStarted:
    reference: str  # our merchant payment id, also the idempotency key
    provider_id: str  # the provider's id of this payment (PayPay codeId, LINE Pay transactionId)
    url: str  # where the payer goes to pay


@frozen
class PaymentOutcome:
    status: PaymentStatus
    payment_id: str | None = None  # the provider's id of the completed payment
    amount: Money | None = None  # what the provider says was paid


@frozen
class RefundOutcome:
    amount: Money  # refunded by this call (zero when it had been refunded before)
    remaining: Money  # still refundable after it
    already_refunded: bool = False


class PaymentGateway(Protocol):
    name: str

    def create(self, *, reference: str, amount: Money, description: str, return_url: str,
               cancel_url: str) -> PaymentStarted:
        """Start a payment. `reference` is unique per attempt and sent as the idempotency key:
        the provider refuses a second payment under it."""
        ...

    def settle(self, *, reference: str, provider_id: str, amount: Money) -> PaymentOutcome:
        """Read the outcome from the provider, and capture it where the provider needs that
        (LINE Pay's confirm). Asking again after completion answers COMPLETED again."""
        ...

    def cancel(self, *, reference: str, provider_id: str) -> None:
        """Make an unpaid attempt unpayable (an expired or abandoned one)."""
        ...

    def refund(self, *, reference: str, provider_id: str, payment_id: str,
               refund_reference: str, amount: Money) -> RefundOutcome:
        """Refund a completed payment whole. A payment refunded before answers
        `already_refunded=True` rather than failing."""
        ...
