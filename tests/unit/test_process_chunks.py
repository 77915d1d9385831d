"""`ProcessChunks`: a function mapped over chunks in worker processes (ADR 0080)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adapters.background.process_chunks import ProcessChunks

pytestmark = pytest.mark.unit


def _pid_and_total(chunk: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(chunk)


def _refuse_seven(chunk: list[int]) -> int:
    if 7 in chunk:
        raise ValueError("seven")
    return sum(chunk)


def _slow_pid(_chunk: int) -> int:
    time.sleep(0.05)
    return os.getpid()


def _alive(pid: int) -> bool:
    """Running, not ended (an ended orphan may stay a zombie where nothing reaps it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _chunks(count: int) -> list[list[int]]:
    return [[n, n + 1] for n in range(0, 2 * count, 2)]


def test_results_come_in_the_chunks_order_from_other_processes() -> None:
    results = list(ProcessChunks(2, ahead=1, min_chunks=2).map(_pid_and_total, _chunks(9)))
    assert [total for _, total in results] == [4 * n + 1 for n in range(9)]
    assert os.getpid() not in {pid for pid, _ in results}
    assert not multiprocessing.active_children()  # the workers are gone with the map


def test_fewer_chunks_than_pay_for_starting_processes_are_worked_here() -> None:
    assert list(ProcessChunks(2, min_chunks=3).map(_pid_and_total, _chunks(2))) == [
        (os.getpid(), 1), (os.getpid(), 5)]
    assert list(ProcessChunks(2).map(_pid_and_total, [])) == []


def test_a_failing_chunk_raises_in_the_caller_and_the_workers_end() -> None:
    with pytest.raises(ValueError, match="seven"):
        list(ProcessChunks(2, min_chunks=2).map(_refuse_seven, _chunks(6)))
    assert not multiprocessing.active_children()


def test_a_caller_that_stops_early_leaves_no_worker_behind() -> None:
    mapped = ProcessChunks(2, min_chunks=2).map(_pid_and_total, _chunks(50))
    assert next(mapped)[1] == 1
    mapped.close()
    assert not multiprocessing.active_children()


def test_a_daemon_process_works_the_chunks_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    results = list(ProcessChunks(2, min_chunks=2).map(_pid_and_total, _chunks(3)))
    assert results == [(os.getpid(), 1), (os.getpid(), 5), (os.getpid(), 9)]


_arrived = 0  # in a worker: how many times a `_Counting` was unpickled there


class _Counting:
    """Says, when called, how many times it crossed into this process."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return _counting, ()

    def __call__(self, chunk: list[int]) -> int:
        return _arrived


def _counting() -> _Counting:
    global _arrived
    _arrived += 1
    return _Counting()


def test_the_function_crosses_to_each_worker_once_not_with_every_chunk() -> None:
    """What it carries (the import's keys) goes through the pipe that starts the worker."""
    assert set(ProcessChunks(2, min_chunks=2).map(_Counting(), _chunks(20))) == {1}


_KILLED_CALLER = """
from adapters.background.process_chunks import ProcessChunks
from tests.unit.test_process_chunks import _slow_pid
for pid in ProcessChunks(2, ahead=1, min_chunks=1).map(_slow_pid, range(10_000)):
    print(pid, flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_the_workers_end_when_their_caller_is_killed(tmp_path: Path) -> None:
    """A caller killed outright (no cleanup) does not leave its workers waiting forever."""
    printed = tmp_path / "workers.txt"
    with printed.open("w") as output:
        caller = subprocess.Popen([sys.executable, "-c", _KILLED_CALLER], stdout=output,
                                  cwd=Path(__file__).resolve().parents[2])
    workers: set[int] = set()
    try:
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
            workers = {int(line) for line in printed.read_text().split()}
        assert len(workers) == 2, "the caller's two workers answered"
        caller.kill()
        caller.wait()
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_alive, workers))
    finally:
        caller.kill()
        caller.wait()
        for pid in filter(_alive, workers):
            os.kill(pid, 9)
