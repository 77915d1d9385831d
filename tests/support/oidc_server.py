"""A small local OpenID Connect provider for the tests: discovery, JWKS (RS256, with key
rotation), `/authorize` without a user interface (it redirects straight back with a code for the
configured test person, or with `error=access_denied`), `/token` (authorization code with PKCE
S256 and `private_key_jwt` client authentication), `/userinfo` and a revocation check.

Knobs produce the bad answers a relying party must refuse (`id_token_fault`), and the server
records what it verified so tests can check the client did its part.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import urlencode

from attrs import define, field
from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import Key, RSAKey, import_key

from tests.support._serving import serving

__all__ = [
    "DEFAULT_PERSON",
    "IdTokenFault",
    "LocalOidcProvider",
    "TokenExchange",
    "running_oidc_server",
    "signing_key",
]

IdTokenFault = Literal[
    "tampered", "foreign_key", "wrong_aud", "wrong_iss", "expired", "wrong_nonce", "alg_none",
]

DEFAULT_PERSON: dict[str, Any] = {
    "sub": "dac-pairwise-0001",
    "name": "山田 花子",
    "name_kana": "ヤマダ ハナコ",
    "address": {"formatted": "北海道上川郡東川町東町1丁目16-1", "postal_code": "071-1423"},
    "birthdate": "1985-04-01",
    "gender": "female",
}
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@functools.cache
def signing_key(kid: str) -> RSAKey:
    """An RSA key for RS256 with this `kid` (made once per test session: generation is slow)."""
    return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})


@define
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    nonce: str
    issued_at: float
    used: bool = False


@define
class TokenExchange:
    """A token request the server accepted, with what it checked."""

    client_id: str
    pkce_verified: bool
    assertion_alg: str
    assertion_claims: dict[str, Any]


@define
class LocalOidcProvider:
    client_id: str
    client_public_key: Key
    redirect_uri: str
    person: dict[str, Any]
    now: Any  # () -> datetime
    base_url: str = ""
    # knobs
    id_token_fault: IdTokenFault | None = None
    authorize_error: str | None = None
    claims_in_id_token: bool = True
    code_lifetime: float = 5.0
    acr: str = "urn:example:acr:jpki-signature"
    publish_revocation_check: bool = False
    revoked: set[str] = field(factory=set)
    # records
    authorizations: list[dict[str, str]] = field(factory=list)
    exchanges: list[TokenExchange] = field(factory=list)
    refusals: list[tuple[str, str]] = field(factory=list)
    discovery_fetches: int = 0
    jwks_fetches: int = 0
    userinfo_requests: int = 0
    keys: list[RSAKey] = field(factory=lambda: [signing_key("key-1")])
    _grants: dict[str, _Grant] = field(factory=dict)
    _access: dict[str, dict[str, Any]] = field(factory=dict)
    _jtis: set[str] = field(factory=set)
    _lock: threading.Lock = field(factory=threading.Lock)

    @property
    def issuer(self) -> str:
        return self.base_url

    @property
    def token_endpoint(self) -> str:
        return f"{self.base_url}/token"

    def rotate_keys(self) -> None:
        """Start signing with a new key; the old one stays published (as providers do)."""
        self.keys.append(signing_key(f"key-{len(self.keys) + 1}"))

    def _clock(self) -> float:
        moment: dt.datetime = self.now()
        return moment.timestamp()

    def _refuse(self, error: str, reason: str, status: int = 400) -> Response:
        self.refusals.append((error, reason))
        response = jsonify(error=error, error_description=reason)
        response.status_code = status
        return response

    def app(self) -> Flask:
        app = Flask("local_oidc_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Response:
            self.discovery_fetches += 1
            document = {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.base_url}/authorize",
                "token_endpoint": self.token_endpoint,
                "jwks_uri": f"{self.base_url}/jwks",
                "userinfo_endpoint": f"{self.base_url}/userinfo",
                "response_types_supported": ["code"],
                "subject_types_supported": ["pairwise"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["openid", "name", "address", "birthdate", "gender"],
            }
            if self.publish_revocation_check:
                document["revocation_check_url"] = f"{self.base_url}/revocation-check"
            return jsonify(document)

        @app.get("/jwks")
        def jwks() -> Response:
            self.jwks_fetches += 1
            return jsonify(keys=[key.as_dict(private=False) for key in self.keys])

        @app.get("/authorize")
        def authorize() -> Response:
            return self._authorize(request.args)

        @app.post("/token")
        def token() -> Response:
            return self._token(request.form)

        @app.get("/userinfo")
        def userinfo() -> Response:
            self.userinfo_requests += 1
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            claims = self._access.get(token) if scheme == "Bearer" else None
            if claims is None:
                return self._refuse("invalid_token", "unknown access token", 401)
            return jsonify(claims)

        @app.get("/revocation-check")
        def revocation_check() -> Response:
            return jsonify(valid=request.args.get("sub") not in self.revoked)

        return app

    def _authorize(self, query: Mapping[str, str]) -> Response:
        self.authorizations.append(dict(query))
        if query.get("client_id") != self.client_id or query.get(
            "redirect_uri"
        ) != self.redirect_uri:
            return self._refuse("invalid_request", "unknown client or redirect_uri")
        back: dict[str, str] = {"state": query.get("state", ""), "iss": self.issuer}
        problems = [
            query.get("response_type") != "code",
            query.get("code_challenge_method") != "S256",
            not query.get("code_challenge"),
            not query.get("state"),
            not query.get("nonce"),
            "openid" not in query.get("scope", "").split(),
        ]
        if any(problems):
            back.update(error="invalid_request", error_description="bad authorization request")
        elif self.authorize_error:
            back.update(error=self.authorize_error, error_description="the user said no")
        else:
            code = secrets.token_urlsafe(24)
            with self._lock:
                self._grants[code] = _Grant(
                    client_id=self.client_id, redirect_uri=query["redirect_uri"],
                    code_challenge=query["code_challenge"], nonce=query["nonce"],
                    issued_at=self._clock(),
                )
            back["code"] = code
        return redirect(f"{self.redirect_uri}?{urlencode(back)}", code=302)

    def _token(self, form: Mapping[str, str]) -> Response:
        if form.get("grant_type") != "authorization_code":
            return self._refuse("unsupported_grant_type", "only authorization_code")
        assertion = self._client_assertion(form)
        if isinstance(assertion, str):
            return self._refuse("invalid_client", assertion, 401)
        alg, assertion_claims = assertion
        with self._lock:
            grant = self._grants.get(form.get("code", ""))
            first_use = grant is not None and not grant.used
            if grant is not None:
                grant.used = True
        if grant is None or not first_use:
            return self._refuse("invalid_grant", "unknown or used code")
        if grant.client_id != assertion_claims["iss"]:
            return self._refuse("invalid_grant", "code issued to another client")
        if form.get("redirect_uri") != grant.redirect_uri:
            return self._refuse("invalid_grant", "redirect_uri differs")
        if self._clock() - grant.issued_at > self.code_lifetime:
            return self._refuse("invalid_grant", "code expired")
        verifier = form.get("code_verifier", "")
        if not 43 <= len(verifier) <= 128 or _s256(verifier) != grant.code_challenge:
            return self._refuse("invalid_grant", "PKCE verification failed")
        self.exchanges.append(TokenExchange(client_id=grant.client_id, pkce_verified=True,
                                            assertion_alg=alg,
                                            assertion_claims=assertion_claims))
        access_token = secrets.token_urlsafe(24)
        self._access[access_token] = dict(self.person)
        return jsonify(access_token=access_token, id_token=self._id_token(grant),
                       token_type="Bearer", expires_in=300)

    def _client_assertion(self, form: Mapping[str, str]) -> tuple[str, dict[str, Any]] | str:
        """(alg, claims) of a valid client assertion, or why it is not valid."""
        if form.get("client_assertion_type") != JWT_BEARER:
            return "client_assertion_type missing"
        try:
            token = jwt.decode(form.get("client_assertion", ""), self.client_public_key,
                               algorithms=["RS256", "ES256"])
        except (JoseError, ValueError):
            return "client assertion signature"
        claims, now = dict(token.claims), self._clock()
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience or []
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return "client assertion iss/sub"
        if self.token_endpoint not in audiences:
            return "client assertion aud"
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= now:
            return "client assertion expired"
        if claims["exp"] - claims.get("iat", 0) > 300:
            return "client assertion lives too long"
        with self._lock:
            if not claims.get("jti") or claims["jti"] in self._jtis:
                return "client assertion jti reused"
            self._jtis.add(claims["jti"])
        return token.header["alg"], claims

    def _id_token(self, grant: _Grant) -> str:
        now = int(self._clock())
        claims: dict[str, Any] = {
            "iss": self.issuer, "sub": self.person["sub"], "aud": grant.client_id,
            "iat": now, "exp": now + 300, "auth_time": now, "nonce": grant.nonce,
            "acr": self.acr,
        }
        if self.claims_in_id_token:
            claims.update(self.person)
        key = self.keys[-1]
        fault = self.id_token_fault
        if fault == "wrong_aud":
            claims["aud"] = "another-relying-party"
        elif fault == "wrong_iss":
            claims["iss"] = "https://impostor.example"
        elif fault == "expired":
            claims.update(iat=now - 900, exp=now - 600)
        elif fault == "wrong_nonce":
            claims["nonce"] = "not-the-nonce"
        elif fault == "alg_none":
            return f"{_b64json({'alg': 'none', 'typ': 'JWT'})}.{_b64json(claims)}."
        elif fault == "foreign_key":  # same kid, a key the JWKS does not have
            key = RSAKey.import_key(signing_key("foreign").as_dict(private=True)
                                    | {"kid": key.kid})
        header = {"alg": "RS256", "kid": key.kid}
        token = jwt.encode(header, claims, key, algorithms=["RS256"])
        if fault == "tampered":  # another person's name, the original signature
            head, _, signature = token.split(".")
            forged = {**claims, "name": "田中 一郎", "sub": "someone-else"}
            token = f"{head}.{_b64json(forged)}.{signature}"
        return token


def _b64json(value: Mapping[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _system_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@contextmanager
def running_oidc_server(
    *, client_id: str, client_public_jwk: Mapping[str, Any], redirect_uri: str,
    person: Mapping[str, Any] | None = None, clock: Any = None, **knobs: Any,
) -> Iterator[LocalOidcProvider]:
    """A provider on 127.0.0.1 and a free port, for one registered client; `clock` (an object
    with `now()`) is shared with the code under test where time matters."""
    provider = LocalOidcProvider(
        client_id=client_id, client_public_key=import_key(dict(client_public_jwk)),
        redirect_uri=redirect_uri, person=dict(person or DEFAULT_PERSON),
        now=clock.now if clock is not None else _system_now, **knobs,
    )
    with serving(provider.app(), "local-oidc") as base_url:
        provider.base_url = base_url
        yield provider
