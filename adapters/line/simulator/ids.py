"""Identifiers shaped like LINE's: user ids (`U` + 32 lowercase hex), webhook event ids (ULIDs,
26 characters of Crockford base32), numeric message ids, reply tokens and request ids."""

from __future__ import annotations

import base64
import functools
import hashlib
import itertools
import os
import re
import secrets
import threading
import time
import uuid

__all__ = [
    "USER_ID",
    "UlidFactory",
    "is_uuid",
    "message_ids",
    "quote_token",
    "reply_token",
    "request_id",
    "user_id_for",
]

USER_ID = re.compile(r"U[0-9a-f]{32}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def user_id_for(seed: str) -> str:
    """A stable user id for a seed, so demo residents keep their ids across restarts."""
    return "U" + hashlib.sha256(seed.encode()).hexdigest()[:32]


def is_uuid(value: str) -> bool:
    """LINE wants the retry key in the hexadecimal 8-4-4-4-12 notation."""
    return _UUID.fullmatch(value) is not None


def request_id() -> str:
    return str(uuid.uuid4())


def reply_token() -> str:
    return secrets.token_hex(16)


@functools.cache
def _quote_salt() -> bytes:
    return secrets.token_bytes(32)  # one per process, made on first use


def quote_token(message_id: str) -> str:
    """A message's quote token, derived from its id (so it needs no storage) and unguessable."""
    digest = hashlib.blake2b(message_id.encode(), key=_quote_salt(), digest_size=48).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def message_ids() -> itertools.count[int]:
    """Numeric message ids of 18 digits, increasing (next() on a count is atomic)."""
    return itertools.count(500_000_000_000_000_000 + secrets.randbelow(10**16))


class UlidFactory:
    """ULIDs, monotonic within a millisecond so ids made in one millisecond still differ and
    sort in the order they were made."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._last_random = 0

    def new(self) -> str:
        with self._lock:
            now_ms = time.time_ns() // 1_000_000
            if now_ms <= self._last_ms:
                now_ms = self._last_ms
                self._last_random = (self._last_random + 1) % (1 << 80)
            else:
                self._last_random = int.from_bytes(os.urandom(10), "big")
            self._last_ms = now_ms
            value = now_ms << 80 | self._last_random
        chars = []
        for _ in range(26):
            value, digit = divmod(value, 32)
            chars.append(_CROCKFORD[digit])
        return "".join(reversed(chars))
