"""The process's cycle collector, held off while a batch makes hundreds of thousands of objects
that hold no cycles (ADR 0077): the matching's rows and its decisions, and a registry import's
rows, members and households (ADR 0086)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collect_young", "collector_paused"]


_pauses = threading.Lock()
_paused = 0  # pauses now open in this process
_resume = False  # whether the collector ran when the first of them began


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a statement's hundreds of thousands of rows
    become objects, and the decisions made from them (the matching of a town's batch), and
    started again after.

    Each row is a new container object that outlives the fetch, so the collector ran again and
    again while they were made, each time walking every row made so far and, every few runs,
    everything the process holds: reading 300,000 rows of the matching through SQLAlchemy took
    0.28 s with it and 0.05 s without (ADR 0077). Rows and decisions hold no reference cycles;
    whatever else became garbage meanwhile is collected once the collector runs again. The
    collector is the process's: pauses that overlap (two threads) keep it off until the last of
    them ends, and it is started again only if it ran when the first began."""
    global _paused, _resume
    with _pauses:
        if not _paused:
            _resume = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _pauses:
            _paused -= 1
            if not _paused and _resume:
                gc.enable()


def collect_young() -> None:
    """What the process made since the last collection, gone through once, whether the
    collector is paused or not. During a long pause (a registry import, ADR 0086) each batch
    calls it: the batch's few cycles (SQLAlchemy's statements, which hold the batch's lists of
    values) are freed, and what survives moves to an older generation, which a pause never
    walks. Without it, such garbage piled up for the whole pause, the web process's requests'
    included when the jobs run there."""
    gc.collect(0)
