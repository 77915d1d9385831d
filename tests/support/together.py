"""Run callables in threads that start at the same moment (a barrier), for races."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["at_once"]


def at_once(calls: Sequence[Callable[[], Any]], *, timeout: float = 30.0) -> list[Any]:
    """Each call's result, or the exception it raised, in the calls' order; fails the test if a
    call is still running after `timeout` seconds (its thread is a daemon: never left behind to
    hang the run)."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        start.wait()
        try:
            results[index] = call()
        except Exception as error:  # the caller asserts on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(n, call), daemon=True)
               for n, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    assert not any(thread.is_alive() for thread in threads), "a call was left waiting"
    return results
