"""The `PayoutProvider` port's promises (cash at an ATM with a pickup code, and whatever pays
out directly).

Subclass `PayoutProviderContract` and provide the fixture `harness`, returning a
`PayoutHarness`:

    class TestMyProvider(PayoutProviderContract):
        @pytest.fixture
        def harness(self): ...

The promises: `issue` gives a pickup code that is live until a time in the future; the
reference is the idempotency key (issuing again while the code is live answers the same code,
and never a second one for another amount); a picked-up payout reads PICKED_UP and can no
longer be cancelled (the money is gone: cancelling it must refuse, or a reissue would pay twice);
a cancelled code reads CANCELLED and can no longer be picked up; a code past its time reads
EXPIRED; an unknown reference is a `DomainError`.

The port carries no personal data (a reference and an amount) and has no way yet to say that a
failure is worth retrying: when a provider over the network joins, its adapter states that
here (docs/integrators.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from attrs import frozen

from application.ports.payouts import PayoutIssued, PayoutProvider, PayoutStatus
from domain.errors import DomainError
from domain.values import Money

__all__ = ["PayoutHarness", "PayoutProviderContract"]

AMOUNT = Money(50_000)


@frozen
class PayoutHarness:
    provider: PayoutProvider
    # a resident enters the code at the ATM (raises `DomainError` when the provider refuses)
    pick_up: Callable[[PayoutIssued], None]
    now: Callable[[], dt.datetime]  # the clock the provider reads
    advance: Callable[[dt.timedelta], None]  # move it


def _issue(harness: PayoutHarness, reference: str = "d-1",
           amount: Money = AMOUNT) -> PayoutIssued:
    return harness.provider.issue(reference=reference, amount=amount)


class PayoutProviderContract:
    """Provide `harness` (a `PayoutHarness`)."""

    pytestmark = [pytest.mark.contract]

    def test_a_code_is_issued_live_until_a_time_in_the_future(
            self, harness: PayoutHarness) -> None:
        issued = _issue(harness)

        assert issued.reference == "d-1" and issued.pickup_code
        assert issued.expires_at > harness.now()
        assert harness.provider.status("d-1") is PayoutStatus.ISSUED
        assert harness.provider.name and harness.provider.label

    def test_issuing_again_under_the_reference_answers_the_same_code(
            self, harness: PayoutHarness) -> None:
        first = _issue(harness)

        again = _issue(harness)

        assert again == first
        assert _issue(harness, "d-2").pickup_code != first.pickup_code

    def test_the_reference_never_gets_a_second_code_for_another_amount(
            self, harness: PayoutHarness) -> None:
        first = _issue(harness)
        try:
            other = _issue(harness, amount=Money(1_000))
        except DomainError:
            pass
        else:
            assert other.pickup_code == first.pickup_code

    def test_a_picked_up_payout_reads_picked_up_and_cannot_be_cancelled(
            self, harness: PayoutHarness) -> None:
        issued = _issue(harness)
        harness.pick_up(issued)
        assert harness.provider.status("d-1") is PayoutStatus.PICKED_UP

        with pytest.raises(DomainError):
            harness.provider.cancel("d-1")

        assert harness.provider.status("d-1") is PayoutStatus.PICKED_UP

    def test_a_cancelled_code_reads_cancelled_and_cannot_be_picked_up(
            self, harness: PayoutHarness) -> None:
        issued = _issue(harness)
        harness.provider.cancel("d-1")

        with pytest.raises(DomainError):
            harness.pick_up(issued)

        assert harness.provider.status("d-1") is PayoutStatus.CANCELLED

    def test_a_code_past_its_time_reads_expired_and_cannot_be_picked_up(
            self, harness: PayoutHarness) -> None:
        issued = _issue(harness)
        harness.advance(issued.expires_at - harness.now() + dt.timedelta(seconds=1))

        assert harness.provider.status("d-1") is PayoutStatus.EXPIRED
        with pytest.raises(DomainError):
            harness.pick_up(issued)

    def test_an_unknown_reference_is_a_domain_error(self, harness: PayoutHarness) -> None:
        with pytest.raises(DomainError):
            harness.provider.status("never-issued")
