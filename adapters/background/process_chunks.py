"""`ChunkWorkers` on worker processes (ADR 0080): the registry import's per-row work (reading
the cells into value objects, the match keys, the profile, the encryption) runs beside the
process that writes.

The processes are started afresh for each `map` (the `spawn` method: nothing of the caller's
threads, locks or connections is copied into them) and are gone when it ends, whether the
caller read every result or stopped early. The function goes to each process once, as it
starts (with what it carries: the registry import's keys); each chunk goes to one process.
A worker whose caller is gone (killed, or its machine's service manager stopped it without
the caller's cleanup) ends within a second instead of waiting forever with the keys it holds.
A `map` of fewer than `min_chunks` chunks, and one called from a daemon process (a Celery
prefork worker, which may not have children), runs in the caller instead, with the same
results: starting the processes costs a second or two."""

from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, TypeVar

__all__ = ["ProcessChunks"]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# one process writes what the workers prepare: past a few of them it is the limit, and each
# started process imports the application again (about 100 MB)
MAX_PROCESSES = 4

CALLER_WATCH_SECONDS = 0.5  # how often a worker looks whether its caller is still there

_function: Callable[[Any], Any] | None = None  # in a worker: what its chunks go through


def _take(function: Callable[[Any], Any], caller: int) -> None:
    global _function
    _function = function
    threading.Thread(target=_end_with, args=(caller,), name="caller-watch", daemon=True).start()


def _end_with(caller: int) -> None:
    """In a worker: end it once the process that started it is gone (a killed caller never
    closes the queue the worker waits on)."""
    while os.getppid() == caller:
        time.sleep(CALLER_WATCH_SECONDS)
    os._exit(1)


def _work(chunk: Any) -> Any:
    assert _function is not None, "started by ProcessChunks with its function"
    return _function(chunk)


def _cores() -> int:
    """The cores this process may run on (a container's limit or an affinity included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class ProcessChunks:
    """`processes` workers (default: one per core this process may use, at most
    `MAX_PROCESSES`); at most `ahead` chunks per worker are handed out before their results
    are read, which bounds the memory a big file takes."""

    def __init__(self, processes: int | None = None, *, ahead: int = 2,
                 min_chunks: int = 10) -> None:
        self.processes = processes or min(_cores(), MAX_PROCESSES)
        self.ahead, self.min_chunks = ahead, min_chunks

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        chunks = iter(chunks)
        first = list(itertools.islice(chunks, self.min_chunks))
        if len(first) < self.min_chunks:
            yield from map(function, first)
            return
        if multiprocessing.current_process().daemon:
            log.info("chunk workers: a daemon process may not start processes; working here")
            yield from map(function, itertools.chain(first, chunks))
            return
        yield from self._spread(function, itertools.chain(first, chunks))

    def _spread(self, function: Callable[[T], R], chunks: Iterator[T]) -> Iterator[R]:
        pool = ProcessPoolExecutor(self.processes,
                                   mp_context=multiprocessing.get_context("spawn"),
                                   initializer=_take, initargs=(function, os.getpid()))
        pending: collections.deque[Future[R]] = collections.deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(_work, chunk))
                if len(pending) >= self.processes * self.ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # also when the caller stopped early or a chunk failed
            pool.shutdown(wait=True, cancel_futures=True)
