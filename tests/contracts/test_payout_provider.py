"""The `PayoutProvider` contract (madoguchi_contracts.payouts) on the cash-by-ATM provider in
the repository (a local fake: no provider's API exists yet, ADR 0020), in memory and kept in a
file as the command line and the web app share it; and the provider a town has until it signs
with one, which refuses everything."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from adapters.payouts.atm_cash import FakeAtmCashProvider, NoCashProvider
from domain.errors import DomainError
from domain.values import Money
from madoguchi_contracts.payouts import PayoutHarness, PayoutProviderContract
from tests.fakes import FakeClock

pytestmark = pytest.mark.integration


def _harness(clock: FakeClock, provider: FakeAtmCashProvider) -> PayoutHarness:
    return PayoutHarness(
        provider=provider, pick_up=lambda issued: provider.pick_up(issued.reference,
                                                                   issued.pickup_code),
        now=clock.now, advance=lambda by: clock.advance(seconds=by.total_seconds()))


class TestAtmCashInMemory(PayoutProviderContract):
    @pytest.fixture
    def harness(self) -> PayoutHarness:
        clock = FakeClock()
        return _harness(clock, FakeAtmCashProvider(clock))


class TestAtmCashInAFile(PayoutProviderContract):
    @pytest.fixture
    def harness(self, tmp_path: Path) -> PayoutHarness:
        clock = FakeClock()
        return _harness(clock, FakeAtmCashProvider(clock, path=tmp_path / "atm.json"))


def test_without_a_provider_every_call_is_refused_clearly() -> None:
    provider = NoCashProvider()
    calls = [lambda: provider.issue(reference="d-1", amount=Money(1_000)),
             lambda: provider.status("d-1"), lambda: provider.cancel("d-1")]
    for call in calls:
        with pytest.raises(DomainError) as refused:
            call()
        assert "事業者" in refused.value.message


def test_a_payout_picked_up_in_another_process_is_not_cancelled_here(tmp_path: Path) -> None:
    clock = FakeClock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC))
    web, atm = (FakeAtmCashProvider(clock, path=tmp_path / "atm.json") for _ in range(2))
    issued = web.issue(reference="d-1", amount=Money(1_000))
    atm.pick_up("d-1", issued.pickup_code)

    with pytest.raises(DomainError):
        web.cancel("d-1")
