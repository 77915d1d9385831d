"""`collector_paused` (ADR 0077): Python's cycle collector is held off while a batch of rows
becomes objects, and the process gets it back as it was, whatever happens inside."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from adapters.persistence.database import collector_paused

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
