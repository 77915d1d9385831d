"""Writes that arrive together are made together, each caller told its own part."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import pytest

from adapters.persistence.group_commit import GroupCommit
from tests.support.together import at_once

pytestmark = pytest.mark.unit


class _Table:
    """Rows by external id, as the inbox is: a row whose external id is there already is not
    written (on conflict do nothing); the ids of the rows written are returned."""

    def __init__(self, *, slow: float = 0.0, fail_when: str | None = None) -> None:
        self.rows: dict[str, str] = {}  # external id → id
        self.writes: list[list[str]] = []
        self.slow, self.fail_when = slow, fail_when
        self.lock = threading.Lock()

    def write(self, rows: list[dict[str, Any]]) -> Sequence[str]:
        time.sleep(self.slow)
        with self.lock:
            self.writes.append([row["id"] for row in rows])
            if any(row["external_id"] == self.fail_when for row in rows):
                raise RuntimeError("database away")
            written = []
            for row in rows:
                if row["external_id"] not in self.rows:
                    self.rows[row["external_id"]] = row["id"]
                    written.append(row["id"])
            return written


def _at_once(group: GroupCommit, deliveries: list[list[str]]) -> dict[int, Any]:
    """Each delivery (its external ids) written by its own thread, all started together; by
    index, the ids it was told were written, or its error."""
    return dict(enumerate(at_once([
        lambda n=n, ids=ids: group.write([{"id": f"{n}/{e}", "external_id": e} for e in ids])
        for n, ids in enumerate(deliveries)])))


def test_a_lone_write_is_made_at_once_and_returns_what_it_wrote() -> None:
    table = _Table()
    group = GroupCommit(table.write)

    assert group.write([{"id": "1", "external_id": "a"}, {"id": "2", "external_id": "b"}]) == [
        "1", "2"]
    # b again (LINE delivering it again, under a new id): only c is written
    assert group.write([{"id": "3", "external_id": "b"}, {"id": "4", "external_id": "c"}]) == [
        "4"]
    assert table.writes == [["1", "2"], ["3", "4"]]


def test_writes_arriving_together_are_made_together_each_told_its_own() -> None:
    table = _Table(slow=0.05)
    group = GroupCommit(table.write)

    # every delivery also carries the same redelivered event
    results = _at_once(group, [[f"e{n}", "again"] for n in range(12)])

    assert len(table.writes) < 12  # grouped: fewer statements than callers
    assert sorted(table.rows) == sorted([*(f"e{n}" for n in range(12)), "again"])
    for n in range(12):
        assert results[n] in ([f"{n}/e{n}"], [f"{n}/e{n}", f"{n}/again"])
    told = [n for n in range(12) if f"{n}/again" in results[n]]
    assert told == [int(table.rows["again"].split("/")[0])]  # the one whose row was kept


def test_when_a_group_fails_each_writes_alone_and_only_the_bad_one_fails() -> None:
    table = _Table(slow=0.05, fail_when="poison")
    group = GroupCommit(table.write)

    results = _at_once(group, [["poison"], *[[f"e{n}"] for n in range(7)]])

    assert isinstance(results[0], RuntimeError)
    assert all(results[n] == [f"{n}/e{n - 1}"] for n in range(1, 8))
    assert sorted(table.rows) == sorted(f"e{n}" for n in range(7))
    assert group.write([{"id": "x", "external_id": "after"}]) == ["x"]  # nobody holds the lead


def test_a_leader_that_fails_after_writing_hands_the_lead_on() -> None:
    group = GroupCommit(lambda rows: ["a-key-of-no-row"], key="missing")

    with pytest.raises(KeyError):
        group.write([{"id": "1"}])
    with pytest.raises(KeyError):  # not left waiting for a leader that is gone
        group.write([{"id": "2"}])


def test_many_writers_each_row_once_and_nobody_left_waiting() -> None:
    table = _Table()
    group = GroupCommit(table.write)

    results = _at_once(group, [[f"t{n}-{k}" for k in range(3)] for n in range(32)])

    assert len(results) == 32
    assert sorted(i for result in results.values() for i in result) == sorted(
        table.rows.values())
    assert len(table.rows) == 96
