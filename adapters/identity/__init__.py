"""Identity providers: OpenID Connect (the Digital Authentication App, JPKI brokers) and the
store of pending attempts."""

from __future__ import annotations

from adapters.identity.attempts import MemoryAttempts
from adapters.identity.claims import ClaimMapping
from adapters.identity.errors import VerificationFailed, VerificationUnavailable
from adapters.identity.oidc import DEFAULT_SCOPES, OidcIdentityProvider

__all__ = [
    "DEFAULT_SCOPES",
    "ClaimMapping",
    "MemoryAttempts",
    "OidcIdentityProvider",
    "VerificationFailed",
    "VerificationUnavailable",
]
