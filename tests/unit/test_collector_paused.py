"""`collector_paused` (ADR 0077): Python's cycle collector is held off while a batch of rows
becomes objects and while its decisions are made, and the process gets it back as it was,
whatever happens inside."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from application import residents
from application.collector import collect_young, collector_paused
from application.ports.matching_queries import MatchScope, NearMisses, SetwiseMatch
from application.residents import matching_batch
from domain.residents import MatchKeys

pytestmark = pytest.mark.unit


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    running = gc.isenabled()
    yield
    (gc.enable if running else gc.disable)()


def test_the_collector_is_held_off_inside_and_running_again_after() -> None:
    gc.enable()

    with collector_paused():
        inside = gc.isenabled()

    assert (inside, gc.isenabled()) == (False, True)


def test_the_collector_runs_again_when_the_work_inside_fails() -> None:
    gc.enable()

    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the statement failed")

    assert gc.isenabled()


def test_a_collector_someone_else_paused_stays_paused() -> None:
    gc.disable()

    with collector_paused():
        pass

    assert not gc.isenabled()


def test_overlapping_pauses_keep_it_off_until_the_last_ends() -> None:
    gc.enable()
    first, second = collector_paused(), collector_paused()

    first.__enter__()
    second.__enter__()  # a second thread, while the first still reads
    first.__exit__(None, None, None)
    between = gc.isenabled()
    second.__exit__(None, None, None)

    assert (between, gc.isenabled()) == (False, True)


class _Cycle:
    def __init__(self) -> None:
        self.itself = self


def test_what_a_pause_made_is_freed_by_collecting_the_young() -> None:
    gc.enable()

    with collector_paused():
        cycle = weakref.ref(_Cycle())
        kept = cycle() is not None
        collect_young()

    assert (kept, cycle()) == (True, None)


def test_a_batch_is_read_and_decided_with_the_collector_held_off(
        monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()
    seen: dict[str, bool] = {}

    class Queries:
        def match(self, scope: MatchScope) -> SetwiseMatch:
            seen["reading"] = gc.isenabled()
            return SetwiseMatch(links={"v1": "r1"}, near=NearMisses(
                keys={"v2": MatchKeys("person", "place")}, candidates=[]))

    def deciding(*args: object) -> object:
        seen["deciding"] = gc.isenabled()
        return residents.matching.decide_many(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(matching_batch, "decide_many", deciding)

    batch = matching_batch.match_batch(MatchScope(statuses=()), queries=Queries())

    assert (seen, gc.isenabled(), len(batch)) == ({"reading": False, "deciding": False}, True, 2)
