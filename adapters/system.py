"""The system clock and identifier generator."""

from __future__ import annotations

import datetime as dt
import os
import time

__all__ = ["SystemClock", "TimeOrderedIds"]

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
# each 10 bits as their two digits: an id's 26 digits are 13 look-ups (a registry import makes
# millions; base64's base32 is written in Python and took twice as long)
_PAIRS = tuple(first + second for first in _CROCKFORD for second in _CROCKFORD)
_SHIFTS = tuple(range(120, -1, -10))


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class TimeOrderedIds:
    """26-character ULID-style ids: 48 bits of milliseconds then 80 random bits, so ids sort by
    creation time (good for index locality and for reading logs)."""

    def new_id(self) -> str:
        value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10), "big")
        pairs = _PAIRS  # 26 digits of 5 bits: the 128 bits after two zero bits
        return "".join([pairs[value >> shift & 1023] for shift in _SHIFTS])
