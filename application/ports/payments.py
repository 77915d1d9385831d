"""Payment gateways for fees (PayPay, LINE Pay, a fake): amounts are integer yen."""

from __future__ import annotations

import enum
from typing import Protocol

from attrs import frozen

from domain.values import Money

__all__ = ["PaymentGateway", "PaymentStarted", "PaymentStatus"]


class PaymentStatus(enum.Enum):
    CREATED = "created"
    COMPLETED = "completed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"
    FAILED = "failed"


@frozen
class PaymentStarted:
    reference: str  # our merchant payment id, also the idempotency key
    url: str  # where the payer goes to pay


class PaymentGateway(Protocol):
    name: str

    def create(self, *, reference: str, amount: Money, description: str,
               return_url: str) -> PaymentStarted: ...

    def status(self, reference: str) -> PaymentStatus:
        """Read the outcome from the provider, server-side (never trust the redirect)."""
        ...

    def cancel(self, reference: str) -> None: ...

    def refund(self, *, reference: str, refund_reference: str, amount: Money) -> None: ...
