"""Writes that arrive together are made together, each caller told its own part."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from adapters.persistence.group_commit import GroupCommit

pytestmark = pytest.mark.unit


class _Table:
    """Rows by id; a write of an id already there writes nothing (on conflict do nothing)."""

    def __init__(self, *, slow: float = 0.0, fail_when: str | None = None) -> None:
        self.rows: dict[str, Any] = {}
        self.writes: list[list[str]] = []
        self.slow, self.fail_when = slow, fail_when
        self.lock = threading.Lock()

    def write(self, rows: list[dict[str, Any]]) -> Sequence[str]:
        time.sleep(self.slow)
        with self.lock:
            ids = [row["id"] for row in rows]
            self.writes.append(ids)
            if self.fail_when in ids:
                raise RuntimeError("database away")
            new = [row["id"] for row in rows if row["id"] not in self.rows]
            self.rows.update({row["id"]: row for row in rows if row["id"] in new})
            return new


def _at_once(group: GroupCommit, batches: list[list[str]]) -> dict[int, Any]:
    """Each batch written by its own thread, all started together; result or error by index."""
    start = threading.Barrier(len(batches))
    results: dict[int, Any] = {}

    def run(index: int, ids: list[str]) -> None:
        start.wait()
        try:
            results[index] = group.write([{"id": i} for i in ids])
        except RuntimeError as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(n, ids)) for n, ids in enumerate(batches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_a_lone_write_is_made_at_once_and_returns_what_it_wrote() -> None:
    table = _Table()
    group = GroupCommit(table.write)

    assert group.write([{"id": "a"}, {"id": "b"}]) == ["a", "b"]
    assert group.write([{"id": "b"}, {"id": "c"}]) == ["c"]  # b was there: a redelivery
    assert table.writes == [["a", "b"], ["b", "c"]]


def test_writes_arriving_during_a_write_are_made_together_each_told_its_own() -> None:
    table = _Table(slow=0.05)
    group = GroupCommit(table.write)

    results = _at_once(group, [[f"e{n}", "shared"] for n in range(12)])

    assert sorted(table.rows) == sorted([*(f"e{n}" for n in range(12)), "shared"])
    assert len(table.writes) < 12  # grouped: fewer statements than callers
    for n in range(12):
        assert results[n] in ([f"e{n}"], [f"e{n}", "shared"])
    assert sum("shared" in result for result in results.values()) == 1  # written once


def test_a_failed_write_fails_its_whole_group_and_the_next_group_goes_on() -> None:
    table = _Table(slow=0.05, fail_when="poison")
    group = GroupCommit(table.write)

    results = _at_once(group, [["poison"], *[[f"e{n}"] for n in range(7)]])

    failed = [n for n, result in results.items() if isinstance(result, RuntimeError)]
    assert 0 in failed
    assert all(results[n] == [f"e{n - 1}"] for n in results if n not in failed)
    assert sorted(table.rows) == sorted(f"e{n - 1}" for n in results if n not in failed)
    assert group.write([{"id": "after"}]) == ["after"]  # nobody left holding the lead


def test_many_writers_each_row_once_and_nobody_left_waiting() -> None:
    table = _Table()
    group = GroupCommit(table.write)

    results = _at_once(group, [[f"t{n}-{k}" for k in range(3)] for n in range(32)])

    assert len(results) == 32
    assert sorted(i for result in results.values() for i in result) == sorted(table.rows)
    assert len(table.rows) == 96
