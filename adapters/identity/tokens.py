"""The JWTs of the flow: our client assertion (private_key_jwt, RFC 7523) and the provider's ID
token (OpenID Connect Core 1.0, section 3.1.3.7), checked claim by claim."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import secrets
from collections.abc import Collection, Mapping
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, Key, RSAKey, import_key

from adapters.identity.errors import VerificationFailed

__all__ = [
    "ASSERTION_LIFETIME",
    "ClientKey",
    "client_assertion",
    "unverified_header",
    "verified_id_token_claims",
]

ASSERTION_LIFETIME = dt.timedelta(minutes=1)


class ClientKey:
    """Our private key for client authentication, from a JWK dict or PEM (RSA → RS256, EC P-256
    → ES256). Raises `ValueError` for anything else: that is a configuration mistake."""

    def __init__(self, value: Mapping[str, Any] | str | bytes) -> None:
        try:
            key = _import_private(value)
        except (JoseError, ValueError, TypeError):
            raise ValueError("the client key is not a usable RSA or EC private key") from None
        if not key.is_private:
            raise ValueError("the client key must be a private key")
        if isinstance(key, RSAKey):
            self.alg = "RS256"
        elif isinstance(key, ECKey) and key.get("crv") == "P-256":
            self.alg = "ES256"
        else:
            raise ValueError("the client key must be RSA or EC on P-256")
        self.key: Key = key
        self.kid = value.get("kid") if isinstance(value, Mapping) else None

    def __repr__(self) -> str:
        return f"ClientKey(alg={self.alg!r}, kid={self.kid!r})"


def _import_private(value: Mapping[str, Any] | str | bytes) -> Key:
    if isinstance(value, Mapping):
        return import_key(dict(value))  # type: ignore[arg-type]
    pem = value.encode() if isinstance(value, str) else value
    raw = serialization.load_pem_private_key(pem, password=None)
    if isinstance(raw, rsa.RSAPrivateKey):
        return RSAKey.import_key(pem)
    if isinstance(raw, ec.EllipticCurvePrivateKey):
        return ECKey.import_key(pem)
    raise ValueError("unsupported key type")


def client_assertion(client: ClientKey, *, client_id: str, audience: str, now: dt.datetime) -> str:
    """A short-lived JWT proving we hold the client key, for the token endpoint `audience`."""
    issued = int(now.timestamp())
    header: dict[str, Any] = {"alg": client.alg}
    if client.kid:
        header["kid"] = client.kid
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": secrets.token_urlsafe(24),
        "iat": issued,
        "exp": issued + int(ASSERTION_LIFETIME.total_seconds()),
    }
    return jwt.encode(header, claims, client.key, algorithms=[client.alg])


def unverified_header(token: str) -> dict[str, Any]:
    """The JOSE header of a compact JWS, to choose the key; trusts nothing in it."""
    try:
        encoded = token.split(".")[0]
        header = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise VerificationFailed("oidc_invalid_token") from None
    if not isinstance(header, dict) or token.count(".") != 2:
        raise VerificationFailed("oidc_invalid_token")
    return header


def verified_id_token_claims(
    token: str, key: Key, *, alg: str, issuer: str, client_id: str, nonce: str,
    now: dt.datetime, leeway: dt.timedelta,
) -> dict[str, Any]:
    """The ID token's claims once its signature (with `key`, by `alg` only), issuer, audience,
    times and nonce are right; `VerificationFailed` otherwise."""
    try:
        claims = dict(jwt.decode(token, key, algorithms=[alg]).claims)
    except (JoseError, ValueError, TypeError):
        raise VerificationFailed("oidc_invalid_token") from None
    moment, slack = now.timestamp(), leeway.total_seconds()
    checks = (
        claims.get("iss") == issuer,
        _audience_ok(claims, client_id),
        _number(claims.get("exp")) > moment - slack,
        _number(claims.get("iat")) <= moment + slack,
        isinstance(claims.get("sub"), str) and bool(claims["sub"]),
    )
    if not all(checks):
        raise VerificationFailed("oidc_invalid_token")
    if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
        claims["nonce"].encode(), nonce.encode()
    ):
        raise VerificationFailed("oidc_nonce_mismatch")
    return claims


def _audience_ok(claims: Mapping[str, Any], client_id: str) -> bool:
    audience = claims.get("aud")
    audiences: Collection[Any] = [audience] if isinstance(audience, str) else audience or []
    if not isinstance(audiences, list) or client_id not in audiences:
        return False
    azp = claims.get("azp")
    if len(audiences) > 1 or azp is not None:
        return azp == client_id
    return True


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    return float(value)
