"""The provider's published configuration (`/.well-known/openid-configuration`) and signing
keys (JWKS), fetched when first needed and cached; the keys are fetched again, once, when a
token names a key we do not have (the provider rotated its keys)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

import requests
from attrs import frozen
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

from adapters.identity.errors import VerificationUnavailable
from adapters.identity.transport import Timeout, request_json

__all__ = ["Discovery", "ProviderMetadata"]

log = logging.getLogger(__name__)
_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC"}


@frozen
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    revocation_check_url: str | None = None

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> ProviderMetadata:
        required = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
        if not all(isinstance(document.get(key), str) and document[key] for key in required):
            raise ValueError("the provider configuration lacks a required endpoint")
        optional = {key: document.get(key) for key in ("userinfo_endpoint",
                                                        "revocation_check_url")}
        return cls(**{key: document[key] for key in required},
                   **{key: value for key, value in optional.items() if isinstance(value, str)})


class Discovery:
    """Thread-safe; performs no I/O until first asked."""

    def __init__(self, issuer: str, http: requests.Session, timeout: Timeout) -> None:
        self.issuer = issuer
        self._http = http
        self._timeout = timeout
        self._lock = threading.Lock()
        self._metadata: ProviderMetadata | None = None
        self._keys: KeySet | None = None

    def metadata(self) -> ProviderMetadata:
        with self._lock:
            if self._metadata is None:
                self._metadata = self._fetch_metadata()
            return self._metadata

    def signing_key(self, kid: str | None, alg: str) -> Key | None:
        """The provider's key for a token signed with `alg` naming `kid` (or its only key of
        that type when the token names none); None when there is no such key even after
        fetching the key set again."""
        with self._lock:
            cached = self._keys
        if cached is not None and (key := _pick(cached, kid, alg)) is not None:
            return key
        fresh = self._fetch_keys()
        with self._lock:
            self._keys = fresh
        return _pick(fresh, kid, alg)

    def _fetch_metadata(self) -> ProviderMetadata:
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        status, document = request_json(self._http, "GET", url, timeout=self._timeout)
        try:
            if status != 200:
                raise ValueError(f"discovery answered {status}")
            metadata = ProviderMetadata.from_document(document)
        except ValueError as error:
            log.error("identity provider configuration unusable: %s", error)
            raise VerificationUnavailable() from None
        if metadata.issuer != self.issuer:  # OpenID Connect Discovery 1.0, section 4.3
            log.error("identity provider configuration names another issuer")
            raise VerificationUnavailable()
        return metadata

    def _fetch_keys(self) -> KeySet:
        status, document = request_json(self._http, "GET", self.metadata().jwks_uri,
                                        timeout=self._timeout)
        try:
            if status != 200:
                raise ValueError(f"the key set answered {status}")
            return KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as error:
            log.error("identity provider key set unusable: %s", type(error).__name__)
            raise VerificationUnavailable() from None


def _pick(keys: KeySet, kid: str | None, alg: str) -> Key | None:
    key_type = _KEY_TYPES.get(alg[:2])
    candidates = [
        key for key in keys
        if key.key_type == key_type and key.get("use") in (None, "sig")
        and key.get("alg") in (None, alg)
    ]
    if kid is not None:
        candidates = [key for key in candidates if key.get("kid") == kid]
    return candidates[0] if len(candidates) == 1 else None
