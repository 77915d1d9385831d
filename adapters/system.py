"""The system clock and identifier generator."""

from __future__ import annotations

import datetime as dt
import os
import time

__all__ = ["SystemClock", "TimeOrderedIds"]

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class TimeOrderedIds:
    """26-character ULID-style ids: 48 bits of milliseconds then 80 random bits, so ids sort by
    creation time (good for index locality and for reading logs)."""

    def new_id(self) -> str:
        value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
        chars = []
        for _ in range(26):
            value, digit = divmod(value, 32)
            chars.append(_CROCKFORD[digit])
        return "".join(reversed(chars))
