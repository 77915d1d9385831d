"""Runs scheduled work every `every` seconds on a background thread: beside the in-process job
queue (`madoguchi serve`, or `madoguchi scheduler` on its own). With Celery, beat does this
instead (`celery_queue.py`). The work only starts jobs; the job queue runs them. Each run has a
request id of its own, which the jobs it starts carry."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from application.correlation import request_id_bound

__all__ = ["IntervalScheduler"]

log = logging.getLogger(__name__)


class IntervalScheduler:
    def __init__(self, work: Callable[[], object], *, every: float = 60.0) -> None:
        self._work, self._every = work, every
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> IntervalScheduler:
        """Run the work now, then every `every` seconds, until stopped (idempotent)."""
        with self._lock:
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(target=self._loop, name="madoguchi-scheduler",
                                                daemon=True)
                self._thread.start()
        return self

    def run_once(self) -> None:
        try:
            with request_id_bound(None):
                self._work()
        except Exception as error:  # the type only: a message may hold personal data
            log.error("scheduled work failed: %s", type(error).__name__)

    def run_forever(self) -> None:
        """In the caller's thread (the `madoguchi scheduler` command), until stopped."""
        self._loop()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        with self._lock:
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _loop(self) -> None:
        while not self._stopped.is_set():
            self.run_once()
            self._stopped.wait(self._every)
