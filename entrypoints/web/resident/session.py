"""The resident's web session: its own cookie (`madoguchi_resident`), apart from the staff
session. HttpOnly, SameSite=Lax, Secure in production, signed with the town's secret; it holds
only the web identity's opaque address (or, while a code is awaited, the attempt's id): no
personal data. Forms carry a token derived from the address (CSRF), and a one-time nonce that
makes a resubmitted form one event (the inbox refuses the second copy)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from flask import Response, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from entrypoints.web.services import container

__all__ = ["COOKIE", "attempt_id", "clear", "csrf_ok", "csrf_token", "new_nonce", "nonce",
           "save_address", "save_attempt", "signed_in_address"]

COOKIE = "madoguchi_resident"
MAX_AGE = 30 * 24 * 60 * 60  # a month: after that the resident signs in again
_NONCE = re.compile(r"^[A-Za-z0-9_-]{8,32}$")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(container().config.secret_key(), salt="madoguchi-resident")


def _read() -> dict[str, Any]:
    raw = request.cookies.get(COOKIE, "")
    if not raw:
        return {}
    try:
        value = _serializer().loads(raw, max_age=MAX_AGE)
    except BadSignature:  # expired, altered or from another town's secret: signed out
        return {}
    return value if isinstance(value, dict) else {}


def signed_in_address() -> str | None:
    address = _read().get("a")
    return address if isinstance(address, str) and address else None


def attempt_id() -> str | None:
    attempt = _read().get("c")
    return attempt if isinstance(attempt, str) and attempt else None


def _write(response: Response, value: dict[str, str]) -> Response:
    response.set_cookie(COOKIE, _serializer().dumps(value), max_age=MAX_AGE, httponly=True,
                        samesite="Lax", path="/",
                        secure=container().config.environment() == "production")
    return response


def save_address(response: Response, address: str) -> Response:
    return _write(response, {"a": address})


def save_attempt(response: Response, attempt: str) -> Response:
    """A code is awaited (the browser is not signed in meanwhile)."""
    return _write(response, {"c": attempt})


def clear(response: Response) -> Response:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return response


def csrf_token(address: str) -> str:
    key = hashlib.sha256(f"resident-csrf:{container().config.secret_key()}".encode()).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:32]


def csrf_ok(address: str) -> bool:
    return hmac.compare_digest(csrf_token(address), request.form.get("t", ""))


def nonce() -> str:
    """The form's one-time id (a fresh one when the form had none or a malformed one)."""
    sent = request.form.get("n", "")
    return sent if _NONCE.match(sent) else secrets.token_urlsafe(12)


def new_nonce() -> str:
    return secrets.token_urlsafe(12)
