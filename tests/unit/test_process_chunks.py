"""`ProcessChunks`: a function mapped over chunks in worker processes (ADR 0080)."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from adapters.background.process_chunks import ProcessChunks

pytestmark = pytest.mark.unit


def _pid_and_total(chunk: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(chunk)


def _refuse_seven(chunk: list[int]) -> int:
    if 7 in chunk:
        raise ValueError("seven")
    return sum(chunk)


def _chunks(count: int) -> list[list[int]]:
    return [[n, n + 1] for n in range(0, 2 * count, 2)]


def test_results_come_in_the_chunks_order_from_other_processes() -> None:
    results = list(ProcessChunks(2, ahead=1).map(_pid_and_total, _chunks(9)))
    assert [total for _, total in results] == [4 * n + 1 for n in range(9)]
    assert os.getpid() not in {pid for pid, _ in results}
    assert not multiprocessing.active_children()  # the workers are gone with the map


def test_a_single_chunk_is_worked_here_without_starting_processes() -> None:
    assert list(ProcessChunks(2).map(_pid_and_total, _chunks(1))) == [(os.getpid(), 1)]
    assert list(ProcessChunks(2).map(_pid_and_total, [])) == []


def test_a_failing_chunk_raises_in_the_caller_and_the_workers_end() -> None:
    with pytest.raises(ValueError, match="seven"):
        list(ProcessChunks(2).map(_refuse_seven, _chunks(6)))
    assert not multiprocessing.active_children()


def test_a_caller_that_stops_early_leaves_no_worker_behind() -> None:
    mapped = ProcessChunks(2).map(_pid_and_total, _chunks(50))
    assert next(mapped)[1] == 1
    mapped.close()
    assert not multiprocessing.active_children()


def test_a_daemon_process_works_the_chunks_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True)
    results = list(ProcessChunks(2).map(_pid_and_total, _chunks(3)))
    assert results == [(os.getpid(), 1), (os.getpid(), 5), (os.getpid(), 9)]
