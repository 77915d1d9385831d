"""OpenID Connect identity providers: the Digital Agency's デジタル認証アプリ (Digital
Authentication App) and OIDC-based JPKI brokers.

Authorization code flow with PKCE (S256), `state` and `nonce`; client authentication by a signed
JWT (`private_key_jwt`); the ID token checked against the provider's published keys. We keep the
four facts and the opaque `sub`, never a token, a certificate or a My Number, and nothing
personal goes into a log line or an exception message.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

import requests

from adapters.identity.claims import ClaimMapping
from adapters.identity.discovery import Discovery, ProviderMetadata
from adapters.identity.errors import VerificationFailed, VerificationUnavailable
from adapters.identity.tokens import (
    ClientKey,
    client_assertion,
    unverified_header,
    verified_id_token_claims,
)
from adapters.identity.transport import Timeout, request_json
from application.ports.clock import Clock
from application.ports.identity import (
    VerificationAttempt,
    VerificationAttempts,
    VerificationStarted,
    VerifiedIdentity,
)

__all__ = ["DEFAULT_SCOPES", "OidcIdentityProvider"]

DEFAULT_SCOPES = ("openid", "name", "address", "birthdate", "gender")
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
log = logging.getLogger(__name__)


class OidcIdentityProvider:
    """An `IdentityProvider` for one OpenID Connect provider and one registered client.

    No I/O at construction: the provider's configuration and keys are fetched when first needed.
    Safe to share between threads when `attempts` is.
    """

    def __init__(
        self,
        name: str,
        issuer: str,
        client_id: str,
        client_private_jwk: Mapping[str, Any] | str | bytes,
        redirect_uri: str,
        attempts: VerificationAttempts,
        clock: Clock,
        *,
        scopes: Sequence[str] = DEFAULT_SCOPES,
        claims: ClaimMapping | None = None,
        max_attempt_age: dt.timedelta = dt.timedelta(minutes=10),
        http: requests.Session | None = None,
        algorithms: Sequence[str] = ("RS256", "ES256"),
        leeway: dt.timedelta = dt.timedelta(seconds=60),
        timeout: Timeout = (3.05, 10.0),
        revocation_check_url: str | None = None,
    ) -> None:
        if "none" in (alg.lower() for alg in algorithms):
            raise ValueError("unsigned ID tokens are never accepted")
        if "openid" not in scopes:
            raise ValueError("the scopes must include 'openid'")
        self.name = name
        self.issuer = issuer
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self._client_key = ClientKey(client_private_jwk)
        self._attempts = attempts
        self._clock = clock
        self._scopes = tuple(scopes)
        self._claims = claims or ClaimMapping()
        self._max_attempt_age = max_attempt_age
        self._http = http or requests.Session()
        self._algorithms = tuple(algorithms)
        self._leeway = leeway
        self._timeout = timeout
        self._revocation_check_url = revocation_check_url
        self._discovery = Discovery(issuer, self._http, timeout)

    def __repr__(self) -> str:
        return f"OidcIdentityProvider(name={self.name!r}, issuer={self.issuer!r})"

    def start(self, *, identity_id: str, purpose: str, return_to: str) -> VerificationStarted:
        """Save a new attempt and give the provider's authorization URL. `return_to` is not
        sent: the provider returns to the registered `redirect_uri`, and the callback knows the
        identity and purpose from the attempt."""
        metadata = self._discovery.metadata()
        attempt = VerificationAttempt(
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            code_verifier=secrets.token_urlsafe(48),
            identity_id=identity_id,
            purpose=purpose,
            provider=self.name,
            created_at=self._clock.now(),
        )
        self._attempts.save(attempt)
        query = urlencode({
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": " ".join(self._scopes),
            "state": attempt.state,
            "nonce": attempt.nonce,
            "code_challenge": _s256(attempt.code_verifier),
            "code_challenge_method": "S256",
        })
        endpoint = metadata.authorization_endpoint
        separator = "&" if "?" in endpoint else "?"
        return VerificationStarted(url=f"{endpoint}{separator}{query}", state=attempt.state)

    def complete(self, callback_params: dict[str, str]) -> VerifiedIdentity:
        """Finish the attempt named by the callback's `state` (once: a replay finds nothing)."""
        state = callback_params.get("state") or ""
        attempt = self._attempts.take(state) if state else None
        if callback_params.get("error"):
            raise self._refused(callback_params["error"])
        if attempt is None or attempt.provider != self.name:
            raise VerificationFailed("oidc_state_unknown")
        if self._clock.now() - attempt.created_at > self._max_attempt_age:
            raise VerificationFailed("oidc_expired")
        code = callback_params.get("code")
        if not code:
            raise VerificationFailed("oidc_provider_error")
        metadata = self._discovery.metadata()
        if "iss" in callback_params and callback_params["iss"] != metadata.issuer:  # RFC 9207
            raise VerificationFailed("oidc_provider_error")
        tokens = self._exchange(metadata, code, attempt)
        claims = self._id_token_claims(metadata, tokens.get("id_token"), attempt)
        if not self._claims.covers(claims):
            claims = {**claims, **self._userinfo(metadata, tokens.get("access_token"),
                                                 claims["sub"])}
        facts = self._claims.facts_from(claims)
        acr = claims.get("acr")
        return VerifiedIdentity(
            facts=facts,
            subject=claims["sub"],
            provider=self.name,
            assurance=acr if isinstance(acr, str) and acr else "unknown",
            verified_at=self._clock.now(),
            identity_id=attempt.identity_id,
            purpose=attempt.purpose,
        )

    def still_valid(self, subject: str) -> bool:
        """Whether the certificate behind `subject` is still valid.

        The Digital Authentication App offers a relying party no public revocation check. When
        a `revocation_check_url` is configured (here, or in the provider's configuration), it is
        asked (`GET ?sub=…` answering `{"valid": bool}`; `VerificationUnavailable` if it cannot
        say). Otherwise this answers True: revocation is caught by asking the resident to verify
        again, because the signing certificate (署名用電子証明書) is revoked on any change of
        name or address and a fresh verification then fails.
        """
        url = self._revocation_check_url or self._discovery.metadata().revocation_check_url
        if url is None:
            return True
        status, body = request_json(self._http, "GET", url, params={"sub": subject},
                                    timeout=self._timeout)
        if status != 200 or not isinstance(body.get("valid"), bool):
            log.warning("revocation check of %s answered %s without a verdict", self.name, status)
            raise VerificationUnavailable()
        return body["valid"]

    def _refused(self, error: str) -> VerificationFailed:
        shown = "".join(c for c in error[:40] if c.isalnum() or c == "_")
        log.info("identity provider %s refused the verification: %s", self.name, shown)
        if error == "access_denied":
            return VerificationFailed.cancelled()
        return VerificationFailed("oidc_provider_error")

    def _exchange(self, metadata: ProviderMetadata, code: str,
                  attempt: VerificationAttempt) -> dict[str, Any]:
        assertion = client_assertion(self._client_key, client_id=self.client_id,
                                     audience=metadata.token_endpoint, now=self._clock.now())
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": self.redirect_uri,
            "code_verifier": attempt.code_verifier,
            "client_id": self.client_id,
            "client_assertion_type": JWT_BEARER,
            "client_assertion": assertion,
        }
        status, body = request_json(self._http, "POST", metadata.token_endpoint, data=form,
                                    headers={"Accept": "application/json"},
                                    timeout=self._timeout)
        if status == 200:
            return body
        error = body.get("error")
        if error == "invalid_grant":  # expired, used, or not ours
            raise VerificationFailed("oidc_code_rejected")
        log.error("token endpoint of %s refused the exchange: %s (%s)", self.name, status,
                  error if isinstance(error, str) else "no error code")
        raise VerificationFailed("oidc_provider_error")

    def _id_token_claims(self, metadata: ProviderMetadata, id_token: Any,
                         attempt: VerificationAttempt) -> dict[str, Any]:
        if not isinstance(id_token, str) or not id_token:
            raise VerificationFailed("oidc_invalid_token")
        header = unverified_header(id_token)
        alg = header.get("alg")
        if alg not in self._algorithms:  # never "none", never what the token asks for
            raise VerificationFailed("oidc_invalid_token")
        kid = header.get("kid")
        key = self._discovery.signing_key(kid if isinstance(kid, str) else None, alg)
        if key is None:
            raise VerificationFailed("oidc_invalid_token")
        return verified_id_token_claims(
            id_token, key, alg=alg, issuer=metadata.issuer, client_id=self.client_id,
            nonce=attempt.nonce, now=self._clock.now(), leeway=self._leeway,
        )

    def _userinfo(self, metadata: ProviderMetadata, access_token: Any,
                  subject: str) -> dict[str, Any]:
        if metadata.userinfo_endpoint is None or not isinstance(access_token, str):
            raise VerificationFailed("oidc_missing_claims")
        status, claims = request_json(
            self._http, "GET", metadata.userinfo_endpoint,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            timeout=self._timeout,
        )
        if status != 200:
            log.error("userinfo of %s answered %s", self.name, status)
            raise VerificationFailed("oidc_provider_error")
        if claims.get("sub") != subject:  # OpenID Connect Core 1.0, section 5.3.2
            raise VerificationFailed("oidc_invalid_token")
        return claims


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
