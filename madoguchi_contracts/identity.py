"""The `IdentityProvider` port's promises (the My Number card through a broker, the Digital
Authentication App, a development card).

Subclass `IdentityProviderContract` and provide the fixture `harness`, returning an
`IdentityHarness`:

    class TestMyProvider(IdentityProviderContract):
        @pytest.fixture
        def harness(self): ...

The promises: a verification started for a channel identity and a purpose comes back, from the
provider's callback, as the four facts and an opaque subject for that identity and purpose;
every start has its own unguessable `state`; a callback is used once (a replay, an unknown
state, an attempt past its time are refused with a `DomainError`); a refusal repeats nothing
personal. Where the error says whether trying again can help (`retryable`, as the OpenID
Connect adapter's do), a provider that is down or does not answer within the adapter's timeout
is retryable, and a refusal is not; either way the caller is not kept waiting.
`still_valid` answers a bool, and False once the provider says the certificate is revoked.

The port itself says only "raises `DomainError` on anything doubtful": an adapter whose errors
carry no `retryable` passes the retry promises as long as it raises a `DomainError` in time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from attrs import frozen

from application.ports.identity import IdentityProvider, VerificationStarted
from domain.errors import DomainError
from domain.residents import PersonalFacts
from madoguchi_contracts.support import faulty_provider, quick, text_of

__all__ = ["IdentityHarness", "IdentityProviderContract"]

TIMEOUT = 0.5  # seconds, given to the adapter for the timeout promise
PATIENCE = 8.0
A_DAY = dt.timedelta(days=1)


@frozen
class IdentityHarness:
    provider: IdentityProvider
    # what the resident's browser brings back to our callback after verifying at the provider
    visit: Callable[[VerificationStarted], dict[str, str]]
    # personal data the provider gives for its test person (a name, an address): never in an
    # error message
    personal: tuple[str, ...]
    # move the clock the adapter reads
    advance: Callable[[dt.timedelta], None]
    # the callback when the resident says no at the provider; None: the provider has no "no"
    decline: Callable[[VerificationStarted], dict[str, str]] | None = None
    # the provider revokes the certificate behind a subject; None: it cannot
    revoke: Callable[[str], None] | None = None
    # the same adapter with its provider at `base_url` and `timeout` (seconds); None: the
    # adapter talks to no provider over the network (the development card)
    at: Callable[[str, float], IdentityProvider] | None = None


def _start(provider: IdentityProvider, identity_id: str = "identity-1",
           purpose: str = "registration") -> VerificationStarted:
    return provider.start(identity_id=identity_id, purpose=purpose,
                          return_to="https://madoguchi.example/done")


def _refused(harness: IdentityHarness, params: dict[str, str]) -> DomainError:
    with pytest.raises(DomainError) as refused:
        harness.provider.complete(params)
    shown = text_of(refused.value)
    for personal in harness.personal:
        assert personal not in shown
    return refused.value


def _networked(harness: IdentityHarness) -> Callable[[str, float], IdentityProvider]:
    if harness.at is None:
        pytest.skip("the provider is not reached over the network (a development card)")
    return harness.at


class IdentityProviderContract:
    """Provide `harness` (an `IdentityHarness`)."""

    pytestmark = [pytest.mark.contract]

    def test_a_verification_comes_back_for_the_identity_and_purpose_it_was_started_for(
            self, harness: IdentityHarness) -> None:
        started = _start(harness.provider, "identity-7", "change_of_address")
        assert started.url.startswith(("https://", "http://"))

        verified = harness.provider.complete(harness.visit(started))

        assert (verified.identity_id, verified.purpose) == ("identity-7", "change_of_address")
        assert verified.provider == harness.provider.name
        assert isinstance(verified.facts, PersonalFacts)
        assert verified.subject and verified.assurance
        assert verified.verified_at.tzinfo is not None

    def test_every_start_has_its_own_unguessable_state(self, harness: IdentityHarness) -> None:
        states = {_start(harness.provider).state for _ in range(3)}

        assert len(states) == 3
        assert all(_bits(state) >= 128 for state in states)

    def test_a_replayed_callback_is_refused(self, harness: IdentityHarness) -> None:
        params = harness.visit(_start(harness.provider))
        harness.provider.complete(params)

        refused = _refused(harness, params)

        assert getattr(refused, "retryable", False) is False

    def test_a_callback_with_an_unknown_state_is_refused(self, harness: IdentityHarness) -> None:
        params = harness.visit(_start(harness.provider))

        refused = _refused(harness, {**params, "state": "not-a-state-we-gave-" + "x" * 20})

        assert getattr(refused, "retryable", False) is False

    def test_an_attempt_past_its_time_is_refused(self, harness: IdentityHarness) -> None:
        params = harness.visit(_start(harness.provider))
        harness.advance(A_DAY)

        _refused(harness, params)

    def test_a_resident_saying_no_at_the_provider_is_refused_for_good(
            self, harness: IdentityHarness) -> None:
        if harness.decline is None:
            pytest.skip("the provider has no way for the resident to say no")
        params = harness.decline(_start(harness.provider))

        refused = _refused(harness, params)

        assert getattr(refused, "retryable", False) is False

    def test_a_fresh_subject_is_still_valid_and_a_revoked_one_is_not(
            self, harness: IdentityHarness) -> None:
        verified = harness.provider.complete(harness.visit(_start(harness.provider)))
        assert harness.provider.still_valid(verified.subject) is True
        if harness.revoke is None:
            pytest.skip("the provider offers no revocation to check against")

        harness.revoke(verified.subject)

        assert harness.provider.still_valid(verified.subject) is False

    def test_a_provider_that_is_down_is_a_domain_error_worth_retrying(
            self, harness: IdentityHarness) -> None:
        at = _networked(harness)
        with faulty_provider() as down:
            down.fail()
            with quick(PATIENCE), pytest.raises(DomainError) as failed:
                _start(at(down.url, TIMEOUT))
        assert getattr(failed.value, "retryable", True) is True

    def test_a_provider_that_does_not_answer_is_a_domain_error_after_the_timeout(
            self, harness: IdentityHarness) -> None:
        at = _networked(harness)
        with faulty_provider() as silent:
            silent.silence()
            with quick(PATIENCE), pytest.raises(DomainError) as failed:
                _start(at(silent.url, TIMEOUT))
        assert getattr(failed.value, "retryable", True) is True


def _bits(state: str) -> float:
    """At most how much a state can hold, from its length and the alphabet it is written in
    (hexadecimal: 4 bits a character; url-safe base64: 6)."""
    hexadecimal = all(c in "0123456789abcdefABCDEF" for c in state)
    return len(state) * (4 if hexadecimal else 6)
