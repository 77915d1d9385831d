"""The suites can fail: each is run here on an adapter broken the way a real one might be, and
the promise it breaks must not pass."""

from __future__ import annotations

import datetime as dt

import pytest

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.payments.fake import FakePaymentGateway
from adapters.payouts.atm_cash import FakeAtmCashProvider
from application.ports.payments import PaymentStarted
from application.ports.payouts import PayoutStatus
from domain.values import Money
from madoguchi_contracts.bank_calendar import BankCalendarContract
from madoguchi_contracts.payments import PaymentGatewayContract, PaymentHarness
from madoguchi_contracts.payouts import PayoutHarness, PayoutProviderContract
from tests.fakes import FakeClock

pytestmark = pytest.mark.integration


class ChargesTwice(FakePaymentGateway):
    """Takes a repeated reference for a new payment."""

    def create(self, *, reference: str, amount: Money, description: str, return_url: str,
               cancel_url: str) -> PaymentStarted:
        return super().create(reference=f"{reference}#{len(self._by_id)}", amount=amount,
                              description=description, return_url=return_url,
                              cancel_url=cancel_url)


class CancelsAnything(FakeAtmCashProvider):
    """Marks a payout cancelled even when the resident has taken the money."""

    def cancel(self, reference: str) -> None:
        self._payouts[reference]["status"] = PayoutStatus.CANCELLED.value


class OpenAtNewYear(JapaneseBankCalendar):
    def is_business_day(self, day: dt.date) -> bool:
        return day.weekday() < 5


def test_a_gateway_that_charges_twice_breaks_its_promise() -> None:
    gateway = ChargesTwice("http://app/payments/fake")
    paid: list[str] = []

    def pay(started: PaymentStarted) -> None:
        gateway.pay(started.provider_id)
        paid.append(started.provider_id)

    harness = PaymentHarness(gateway=gateway, pay=pay, charges=lambda reference: len(paid))
    suite = PaymentGatewayContract()
    with pytest.raises(AssertionError):
        suite.test_a_repeated_create_under_one_reference_is_never_a_second_charge(harness)


def test_a_payout_provider_that_cancels_a_picked_up_payout_breaks_its_promise() -> None:
    clock = FakeClock()
    provider = CancelsAnything(clock)
    harness = PayoutHarness(provider=provider,
                            pick_up=lambda issued: provider.pick_up(issued.reference,
                                                                    issued.pickup_code),
                            now=clock.now, advance=lambda by: None)
    suite = PayoutProviderContract()
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        suite.test_a_picked_up_payout_reads_picked_up_and_cannot_be_cancelled(harness)


def test_a_calendar_open_at_new_year_breaks_its_promise() -> None:
    with pytest.raises(AssertionError, match="元日"):
        BankCalendarContract().test_banks_are_closed(OpenAtNewYear(), dt.date(2027, 1, 1))
