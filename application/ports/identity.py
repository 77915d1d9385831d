"""Identity providers: the My Number card through a broker, the Digital Authentication App, or a
development card. The provider proves who the resident is; we keep only the four facts and an
opaque subject id, never the certificate and never the My Number."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from attrs import frozen

from domain.residents import PersonalFacts

__all__ = ["IdentityProvider", "VerificationStarted", "VerifiedIdentity"]


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


class IdentityProvider(Protocol):
    name: str

    def start(self, *, resident_id: str, purpose: str, return_to: str) -> VerificationStarted:
        ...

    def complete(self, callback_params: dict[str, str]) -> VerifiedIdentity:
        """Finish from the provider's callback; raises `DomainError` on anything doubtful."""
        ...

    def still_valid(self, subject: str) -> bool:
        """Whether the certificate behind `subject` is still valid (not revoked)."""
        ...
