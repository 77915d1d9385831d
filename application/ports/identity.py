"""Identity providers: the My Number card through a broker, the Digital Authentication App, or a
development card. The provider proves who the resident is; we keep only the four facts and an
opaque subject id, never the certificate and never the My Number."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from attrs import frozen

from domain.residents import PersonalFacts

__all__ = [
    "IdentityProvider",
    "VerificationAttempt",
    "VerificationAttempts",
    "VerificationStarted",
    "VerifiedIdentity",
]


@frozen
class VerificationStarted:
    url: str  # where the resident goes to verify
    state: str  # our handle on this attempt, returned by the provider's callback


@frozen
class VerifiedIdentity:
    facts: PersonalFacts
    subject: str
    provider: str
    assurance: str
    verified_at: dt.datetime
    identity_id: str  # the channel identity that started the attempt
    purpose: str  # what the attempt was for ("registration", ...)


@frozen(repr=False)
class VerificationAttempt:
    """A verification under way, between `start` and the provider's callback (which may arrive
    in another request, in another process). The secrets never leave our side except as the
    provider's protocol requires; `repr` hides them so they do not end up in logs."""

    state: str  # random, at least 128 bits, url-safe: the key of the attempt
    nonce: str  # bound into the ID token by the provider
    code_verifier: str  # PKCE: only its S256 hash travels in the authorization request
    identity_id: str  # whose attempt (the resident's channel identity)
    purpose: str  # e.g. "registration"
    provider: str
    created_at: dt.datetime

    def __repr__(self) -> str:
        return (f"VerificationAttempt(provider={self.provider!r}, purpose={self.purpose!r}, "
                f"identity_id={self.identity_id!r}, created_at={self.created_at!r})")


class VerificationAttempts(Protocol):
    """A one-time store of pending attempts, keyed by `state`."""

    def save(self, attempt: VerificationAttempt) -> None:
        ...

    def take(self, state: str) -> VerificationAttempt | None:
        """The attempt for `state`, returned once and removed in the same step (so a replayed
        callback finds nothing); None when unknown or already taken."""
        ...


class IdentityProvider(Protocol):
    name: str

    def start(self, *, identity_id: str, purpose: str, return_to: str) -> VerificationStarted:
        """Begin an attempt for the channel identity `identity_id` (not a resident id: the
        resident may not exist yet); the returned `url` is where the resident goes to verify."""
        ...

    def complete(self, callback_params: dict[str, str]) -> VerifiedIdentity:
        """Finish from the provider's callback; raises `DomainError` on anything doubtful. The
        result names the identity and purpose the attempt was started for."""
        ...

    def still_valid(self, subject: str) -> bool:
        """Whether the certificate behind `subject` is still valid (not revoked)."""
        ...
