"""Signing and verifying Madoguchi's outbound webhooks (ADR 0071): HMAC-SHA256 over
`"{timestamp}.{raw body}"` with the subscription's secret, sent as

    Madoguchi-Signature: t=<unix seconds>,v1=<hex digest>
    Madoguchi-Event-Id: <the event id: the same on every retry and replay>

Standard library only, and no part of Madoguchi imported: a receiver may copy this file into
its own code, or import `verify_signature` from an installed `madoguchi`. A header may carry
several `v1=` values (one per secret while a secret is being replaced): one that matches is
enough.
"""

from __future__ import annotations

import hashlib
import hmac
import time

__all__ = ["EVENT_ID_HEADER", "SIGNATURE_HEADER", "TOLERANCE_SECONDS", "InvalidSignature",
           "sign", "signature_header", "verify_signature"]

SIGNATURE_HEADER = "Madoguchi-Signature"
EVENT_ID_HEADER = "Madoguchi-Event-Id"
TOLERANCE_SECONDS = 300  # a signature older (or newer) than 5 minutes is refused: no replays


class InvalidSignature(ValueError):
    """The request was not signed with this secret, or not recently: refuse it (HTTP 400)."""


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"{timestamp}.{body}"` under `secret`."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the `Madoguchi-Signature` header for `body` sent at `timestamp`."""
    return f"t={int(timestamp)},v1={sign(secret, timestamp, body)}"


def verify_signature(secret: str, header: str, body: bytes, *, now: float | None = None,
                     tolerance: int = TOLERANCE_SECONDS) -> int:
    """Check a request's `Madoguchi-Signature` header against its raw body (the bytes as
    received, before any JSON parsing). Returns the signed timestamp; raises InvalidSignature
    when the header is malformed, too old or too new, or no `v1` matches."""
    timestamp: int | None = None
    candidates: list[str] = []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit():  # "²" is a digit int() refuses
            timestamp = int(value)
        elif key == "v1" and value:
            candidates.append(value)
    if timestamp is None or not candidates:
        raise InvalidSignature("malformed signature header")
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise InvalidSignature("timestamp outside the tolerance")
    expected = sign(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise InvalidSignature("no signature matches")
    return timestamp
