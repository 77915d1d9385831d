"""`ChunkWorkers` on worker processes (ADR 0080): the registry import's per-row work (reading
the cells into value objects, the match keys, the profile) runs beside the process that writes.

The processes are started afresh for each `map` (the `spawn` method: nothing of the caller's
threads, locks or connections is copied into them) and are gone when it ends, whether the
caller read every result or stopped early. A `map` of a single chunk, and one called from a
daemon process (a Celery prefork worker, which may not have children), runs in the caller
instead, with the same results."""

from __future__ import annotations

import collections
import itertools
import logging
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

__all__ = ["ProcessChunks"]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class ProcessChunks:
    """`processes` workers (default: one per core); at most `ahead` chunks per worker are
    handed out before their results are read, which bounds the memory a big file takes."""

    def __init__(self, processes: int | None = None, *, ahead: int = 2) -> None:
        self.processes = processes or os.cpu_count() or 1
        self.ahead = ahead

    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        chunks = iter(chunks)
        first = list(itertools.islice(chunks, 2))
        if len(first) < 2:
            yield from map(function, first)
            return
        if multiprocessing.current_process().daemon:
            log.info("chunk workers: a daemon process may not start processes; working here")
            yield from map(function, itertools.chain(first, chunks))
            return
        yield from self._spread(function, itertools.chain(first, chunks))

    def _spread(self, function: Callable[[T], R], chunks: Iterator[T]) -> Iterator[R]:
        pool = ProcessPoolExecutor(self.processes,
                                   mp_context=multiprocessing.get_context("spawn"))
        pending: collections.deque[Future[R]] = collections.deque()
        try:
            for chunk in chunks:
                pending.append(pool.submit(function, chunk))
                if len(pending) >= self.processes * self.ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:  # also when the caller stopped early or a chunk failed
            pool.shutdown(wait=True, cancel_futures=True)
