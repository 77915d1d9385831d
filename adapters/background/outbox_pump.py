"""Runs the outbox dispatcher on a background thread: woken when something was written, and
every few seconds anyway (for messages waiting out a back-off)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["DeliverNow", "OutboxPump", "deliver_due"]

log = logging.getLogger(__name__)


def deliver_due(deliver: Callable[[], object], *, go_on: Callable[[], bool] = lambda: True,
                ) -> None:
    """Rounds of `deliver()` until one handles nothing, or its report says no more can be due
    now (`more`: its batch was not full): what is written later wakes the dispatcher, so an
    extra round would only read an empty outbox. A report without `more` is asked again."""
    while go_on():
        report = deliver()
        if not getattr(report, "handled", 0) or not getattr(report, "more", True):
            return


class OutboxPump:
    def __init__(self, deliver: Callable[[], object], *, poll_seconds: float = 5.0,
                 gather_seconds: float = 0.05) -> None:
        self._deliver = deliver
        self._poll = poll_seconds
        self._gather = gather_seconds  # let a burst's replies gather into one batch
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        with self._lock:
            if self._stop.is_set():  # stopped for good: what is due waits for the next start
                return
            self._idle.clear()
            self._wake.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="madoguchi-outbox",
                                                daemon=True)
                self._thread.start()

    def ready(self, timeout: float = 1.0) -> bool:
        """Not stopped, and its thread (once started) still alive: for /readyz."""
        with self._lock:
            thread = self._thread
        return not self._stop.is_set() and (thread is None or thread.is_alive())

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until everything due has been handled (for the command line and tests)."""
        return self._idle.wait(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._wake.wait(self._poll):
                time.sleep(self._gather)
            self._wake.clear()
            try:
                deliver_due(self._deliver, go_on=lambda: not self._stop.is_set())
            except Exception:
                log.exception("outbox delivery failed; trying again shortly")
            with self._lock:
                if not self._wake.is_set():
                    self._idle.set()


class DeliverNow:
    """Delivers in the caller as soon as woken (for the command line and tests)."""

    def __init__(self, deliver: Callable[[], object]) -> None:
        self._deliver = deliver

    def wake(self) -> None:
        deliver_due(self._deliver)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return True

    def ready(self, timeout: float = 1.0) -> bool:
        return True

    def stop(self) -> None:
        pass
