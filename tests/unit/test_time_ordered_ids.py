"""Ids are 26 Crockford base-32 digits: 48 bits of milliseconds, then 80 random bits."""

from __future__ import annotations

import re
import time

import pytest

from adapters import system
from adapters.system import TimeOrderedIds


def _digits(value: int) -> str:
    """The id's digits written out one 5-bit group at a time (what the id must equal)."""
    return "".join(system._CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


def test_an_id_is_26_crockford_digits_that_start_with_the_time() -> None:
    before = time.time_ns() // 1_000_000
    made = TimeOrderedIds().new_id()
    after = time.time_ns() // 1_000_000

    assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{26}", made)
    millis = int(_decoded(made)) >> 80
    assert before <= millis <= after


def test_ids_made_later_sort_after_earlier_ones() -> None:
    ids = TimeOrderedIds()
    first = ids.new_id()
    time.sleep(0.002)
    assert ids.new_id() > first


@pytest.mark.parametrize("value", [0, 1, 2**128 - 1, 0x0123456789ABCDEF0123456789ABCDEF])
def test_the_digits_are_the_value_five_bits_at_a_time(
        value: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system.time, "time_ns", lambda: (value >> 80) * 1_000_000)
    monkeypatch.setattr(system.os, "urandom", lambda n: (value & (2**80 - 1)).to_bytes(n, "big"))
    assert TimeOrderedIds().new_id() == _digits(value)


def _decoded(made: str) -> int:
    value = 0
    for char in made:
        value = value * 32 + system._CROCKFORD.index(char)
    return value
