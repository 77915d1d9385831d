"""The `PaymentGateway` port's promises (fees paid by PayPay, LINE Pay, ...).

Subclass `PaymentGatewayContract` and provide the fixture `harness`, returning a
`PaymentHarness`:

    class TestMyGateway(PaymentGatewayContract):
        @pytest.fixture
        def harness(self): ...

The promises: a payment starts unpaid and completes once the payer pays, its outcome read from
the provider (`settle`), asked again as often as needed; a repeated `create` under one reference
is never a second charge; a refund is made once, and a refund asked again says so; the payer's
amount is the one reported; a provider error (5xx) and a provider that does not answer within
the adapter's timeout are retryable `PaymentError`s, a refusal is not; an answer lost on the way
back is recovered by asking the provider again, without a second charge or refund; no error
repeats what the description says about the resident.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from attrs import frozen

from application.ports.payments import (
    PaymentError,
    PaymentGateway,
    PaymentOutcome,
    PaymentStarted,
    PaymentStatus,
    RefundOutcome,
)
from domain.values import Money
from madoguchi_contracts.support import faulty_provider, quick, text_of

__all__ = ["PaymentGatewayContract", "PaymentHarness"]

AMOUNT = Money(710)
RESIDENT = "山田 太郎"  # in the description: never in an error
DESCRIPTION = f"住民票の写し 2通（{RESIDENT} 様）"
TIMEOUT = 0.5  # seconds, given to the adapter for the timeout promise
PATIENCE = 8.0  # the call must be over well within this


@frozen
class PaymentHarness:
    gateway: PaymentGateway
    # the payer pays this payment on the provider's side
    pay: Callable[[PaymentStarted], None]
    # how many payments the provider holds under a reference (a second charge shows as 2)
    charges: Callable[[str], int]
    # where the provider is, and the same adapter talking to `base_url` with `timeout`
    # (seconds); None for an adapter without a network provider (an in-memory fake)
    provider_url: str | None = None
    at: Callable[[str, float], PaymentGateway] | None = None
    # whether `cancel` shows at once as a lapsed status (LINE Pay lets a request lapse)
    cancel_shows: bool = True


def _start(gateway: PaymentGateway, reference: str = "fee-1") -> PaymentStarted:
    return gateway.create(reference=reference, amount=AMOUNT, description=DESCRIPTION,
                          return_url="https://madoguchi.example/payments/return",
                          cancel_url="https://madoguchi.example/payments/cancel")


def _settle(gateway: PaymentGateway, started: PaymentStarted,
            amount: Money = AMOUNT) -> PaymentOutcome:
    return gateway.settle(reference=started.reference, provider_id=started.provider_id,
                          amount=amount)


def _networked(harness: PaymentHarness) -> Callable[[str, float], PaymentGateway]:
    if harness.at is None or harness.provider_url is None:
        pytest.skip("the gateway has no network provider to fail (an in-memory fake)")
    return harness.at


class PaymentGatewayContract:
    """Provide `harness` (a `PaymentHarness`)."""

    pytestmark = [pytest.mark.contract]

    # -- the payment's life ------------------------------------------------------------------

    def test_a_payment_starts_unpaid_and_completes_once_the_payer_pays(
            self, harness: PaymentHarness) -> None:
        started = _start(harness.gateway)
        assert started.reference == "fee-1" and started.provider_id
        assert started.url.startswith(("https://", "http://"))
        assert harness.gateway.settle(reference="fee-1", provider_id=started.provider_id,
                                      amount=AMOUNT).status is PaymentStatus.CREATED

        harness.pay(started)
        done = harness.gateway.settle(reference="fee-1", provider_id=started.provider_id,
                                      amount=AMOUNT)

        assert done.status is PaymentStatus.COMPLETED
        assert done.payment_id and done.amount == AMOUNT
        # what Madoguchi's tables keep of them (payment_provider, payment_provider_id)
        assert len(harness.gateway.name) <= 16 and len(started.provider_id) <= 64

    def test_asking_again_after_completion_answers_completed_with_the_same_payment(
            self, harness: PaymentHarness) -> None:
        started = _start(harness.gateway)
        harness.pay(started)

        first = _settle(harness.gateway, started)
        second = _settle(harness.gateway, started)

        assert first == second
        assert second.status is PaymentStatus.COMPLETED

    def test_a_repeated_create_under_one_reference_is_never_a_second_charge(
            self, harness: PaymentHarness) -> None:
        first = _start(harness.gateway)
        try:
            again = _start(harness.gateway)
        except PaymentError as refused:  # the provider refuses the key (PayPay, LINE Pay)
            assert not refused.retryable
        else:  # or answers the same payment
            assert (again.reference, again.provider_id) == (first.reference, first.provider_id)
        harness.pay(first)

        assert _settle(harness.gateway, first).status is PaymentStatus.COMPLETED
        assert harness.charges("fee-1") == 1

    def test_a_settle_for_another_amount_never_reports_that_amount_paid(
            self, harness: PaymentHarness) -> None:
        started = _start(harness.gateway)
        harness.pay(started)
        try:
            outcome = harness.gateway.settle(reference="fee-1", provider_id=started.provider_id,
                                             amount=Money(1))
        except PaymentError as refused:
            assert not refused.retryable
        else:
            assert outcome.amount in (None, AMOUNT)

    def test_cancelling_an_unpaid_payment_twice_is_harmless(
            self, harness: PaymentHarness) -> None:
        started = _start(harness.gateway)

        harness.gateway.cancel(reference="fee-1", provider_id=started.provider_id)
        harness.gateway.cancel(reference="fee-1", provider_id=started.provider_id)

        if not harness.cancel_shows:
            pytest.skip("the provider lets an unconfirmed request lapse by itself")
        assert _settle(harness.gateway, started).status.lapsed

    # -- refunds -----------------------------------------------------------------------------

    def test_a_refund_is_made_once_and_asking_again_says_it_was_refunded(
            self, harness: PaymentHarness) -> None:
        started = _start(harness.gateway)
        harness.pay(started)
        paid = harness.gateway.settle(reference="fee-1", provider_id=started.provider_id,
                                      amount=AMOUNT)
        assert paid.payment_id is not None

        def refund() -> RefundOutcome:
            assert paid.payment_id is not None
            return harness.gateway.refund(
                reference="fee-1", provider_id=started.provider_id,
                payment_id=paid.payment_id, refund_reference="fee-1-refund", amount=AMOUNT)

        first, again = refund(), refund()

        assert (first.amount, first.remaining, first.already_refunded) == (
            AMOUNT, Money(0), False)
        assert again.already_refunded and again.amount == Money(0)
        assert _settle(harness.gateway, started).status is PaymentStatus.REFUNDED

    def test_an_unpaid_payment_cannot_be_refunded_and_that_is_final(
            self, harness: PaymentHarness) -> None:
        started = _start(harness.gateway)
        with pytest.raises(PaymentError) as refused:
            harness.gateway.refund(reference="fee-1", provider_id=started.provider_id,
                                   payment_id=started.provider_id, refund_reference="r-1",
                                   amount=AMOUNT)
        assert not refused.value.retryable
        assert RESIDENT not in text_of(refused.value)

    # -- the provider misbehaving ------------------------------------------------------------

    def test_a_provider_error_is_retryable_and_repeats_nothing_about_the_resident(
            self, harness: PaymentHarness) -> None:
        at = _networked(harness)
        with faulty_provider(harness.provider_url) as provider:
            provider.fail()
            with pytest.raises(PaymentError) as failed:
                _start(at(provider.url, TIMEOUT))
        assert failed.value.retryable
        assert RESIDENT not in text_of(failed.value) and "住民票" not in text_of(failed.value)

    def test_a_provider_that_does_not_answer_is_a_retryable_error_after_the_timeout(
            self, harness: PaymentHarness) -> None:
        at = _networked(harness)
        with faulty_provider(harness.provider_url) as provider:
            provider.silence()
            with quick(PATIENCE), pytest.raises(PaymentError) as failed:
                _start(at(provider.url, TIMEOUT))
        assert failed.value.retryable
        assert RESIDENT not in text_of(failed.value)

    def test_an_outcome_whose_answer_was_lost_is_asked_again_from_the_provider(
            self, harness: PaymentHarness) -> None:
        at = _networked(harness)
        with faulty_provider(harness.provider_url) as provider:
            gateway = at(provider.url, TIMEOUT)
            started = _start(gateway)
            harness.pay(started)
            provider.lose_answers(1)
            with pytest.raises(PaymentError) as lost:
                _settle(gateway, started)
            assert lost.value.retryable

            asked_again = gateway.settle(reference="fee-1", provider_id=started.provider_id,
                                         amount=AMOUNT)

        assert asked_again.status is PaymentStatus.COMPLETED and asked_again.amount == AMOUNT
        assert harness.charges("fee-1") == 1

    def test_a_refund_whose_answer_was_lost_is_not_made_twice(
            self, harness: PaymentHarness) -> None:
        at = _networked(harness)
        with faulty_provider(harness.provider_url) as provider:
            gateway = at(provider.url, TIMEOUT)
            started = _start(gateway)
            harness.pay(started)
            paid = _settle(gateway, started)
            payment_id = paid.payment_id

            def refund() -> RefundOutcome:
                return gateway.refund(reference="fee-1", provider_id=started.provider_id,
                                      payment_id=payment_id, refund_reference="fee-1-refund",
                                      amount=AMOUNT)

            provider.lose_answers(1)
            with pytest.raises(PaymentError) as lost:
                refund()
            assert lost.value.retryable
            again, third = refund(), refund()

        assert again.already_refunded or again.amount == AMOUNT
        assert third.already_refunded and third.amount == Money(0)
        assert _settle(harness.gateway, started).status is PaymentStatus.REFUNDED
