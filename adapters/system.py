"""The system clock and identifier generator."""

from __future__ import annotations

import base64
import datetime as dt
import os
import time

__all__ = ["SystemClock", "TimeOrderedIds"]

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
# base64's base32 alphabet, digit for digit, to Crockford's
_TO_CROCKFORD = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", _CROCKFORD.encode())


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class TimeOrderedIds:
    """26-character ULID-style ids: 48 bits of milliseconds then 80 random bits, so ids sort by
    creation time (good for index locality and for reading logs)."""

    def new_id(self) -> str:
        value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
        # 26 digits of 5 bits are the 128 bits after two zero bits: shifted into 160 bits,
        # base32 in C writes them as its first 26 digits (a registry import makes millions)
        digits = base64.b32encode((value << 30).to_bytes(20, "big"))[:26]
        return digits.translate(_TO_CROCKFORD).decode()
