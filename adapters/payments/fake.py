"""A payment provider for development, demonstrations and tests: payments live in memory and
the payer pays on a small page of the app itself (`/payments/fake/<id>`).

Refused in production (see config). One process only: the payments are not shared between
workers.
"""

from __future__ import annotations

import threading

from attrs import define, field

from application.ports.payments import (
    PaymentError,
    PaymentOutcome,
    PaymentStarted,
    PaymentStatus,
    RefundOutcome,
)
from domain.values import Money

__all__ = ["FakePayment", "FakePaymentGateway"]


@define
class FakePayment:
    provider_id: str
    reference: str
    amount: Money
    description: str
    return_url: str
    cancel_url: str
    status: PaymentStatus = PaymentStatus.CREATED
    refunded: Money = field(factory=Money.zero)


class FakePaymentGateway:
    name = "fake"

    def __init__(self, page_url: str) -> None:
        self._page_url = page_url.rstrip("/")
        self._by_reference: dict[str, FakePayment] = {}
        self._by_id: dict[str, FakePayment] = {}
        self._lock = threading.Lock()

    # -- the port ----------------------------------------------------------------------------

    def create(self, *, reference: str, amount: Money, description: str, return_url: str,
               cancel_url: str) -> PaymentStarted:
        with self._lock:
            payment = self._by_reference.get(reference)
            if payment is None:  # the reference is the idempotency key: a repeat is the same
                payment = FakePayment(provider_id=f"fake-{len(self._by_id) + 1:08d}",
                                      reference=reference, amount=amount,
                                      description=description, return_url=return_url,
                                      cancel_url=cancel_url)
                self._by_reference[reference] = payment
                self._by_id[payment.provider_id] = payment
            elif payment.amount != amount:
                raise PaymentError("同じ参照番号で別の金額の支払が作られています。",
                                   code="duplicate_reference")
        return PaymentStarted(reference=reference, provider_id=payment.provider_id,
                              url=f"{self._page_url}/{payment.provider_id}")

    def settle(self, *, reference: str, provider_id: str, amount: Money) -> PaymentOutcome:
        payment = self._payment(provider_id, reference)
        if payment.status is PaymentStatus.COMPLETED:
            return PaymentOutcome(PaymentStatus.COMPLETED, payment_id=payment.provider_id,
                                  amount=payment.amount)
        return PaymentOutcome(payment.status)

    def cancel(self, *, reference: str, provider_id: str) -> None:
        with self._lock:
            payment = self._payment(provider_id, reference)
            if payment.status is PaymentStatus.CREATED:
                payment.status = PaymentStatus.CANCELLED

    def refund(self, *, reference: str, provider_id: str, payment_id: str,
               refund_reference: str, amount: Money) -> RefundOutcome:
        with self._lock:
            payment = self._payment(provider_id, reference)
            if payment.status is PaymentStatus.REFUNDED:
                return RefundOutcome(amount=Money(0), remaining=Money(0), already_refunded=True)
            if payment.status is not PaymentStatus.COMPLETED:
                raise PaymentError("完了していない支払は返金できません。", code="not_completed")
            if amount != payment.amount:
                raise PaymentError("返金額が支払額と一致しません。", code="amount_mismatch")
            payment.status, payment.refunded = PaymentStatus.REFUNDED, amount
            return RefundOutcome(amount=amount, remaining=Money(0))

    # -- the payer's page --------------------------------------------------------------------

    def find(self, provider_id: str) -> FakePayment | None:
        return self._by_id.get(provider_id)

    def paid_under(self, reference: str) -> int:
        """How many payments were paid under `reference` (the contract's second-charge check)."""
        return sum(p.reference == reference and p.status in {PaymentStatus.COMPLETED,
                                                              PaymentStatus.REFUNDED}
                   for p in self._by_id.values())

    def pay(self, provider_id: str) -> FakePayment:
        """The payer pays (or has paid: a second tap changes nothing)."""
        return self._finish(provider_id, PaymentStatus.COMPLETED)

    def decline(self, provider_id: str) -> FakePayment:
        """The payer cancels on the page."""
        return self._finish(provider_id, PaymentStatus.CANCELLED)

    def expire(self, provider_id: str) -> FakePayment:
        """For tests and demonstrations: the code's time ran out."""
        return self._finish(provider_id, PaymentStatus.EXPIRED)

    def _finish(self, provider_id: str, status: PaymentStatus) -> FakePayment:
        with self._lock:
            payment = self._by_id.get(provider_id)
            if payment is None:
                raise PaymentError("支払が見つかりません。", code="not_found")
            if payment.status is PaymentStatus.CREATED:
                payment.status = status
            return payment

    def _payment(self, provider_id: str, reference: str) -> FakePayment:
        payment = self._by_id.get(provider_id)
        if payment is None or payment.reference != reference:
            raise PaymentError("支払が見つかりません。", code="not_found")
        return payment
