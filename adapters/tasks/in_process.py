"""Runs jobs in this process: on a background thread (the default, so a web request returns at
once and the job's progress can be watched) or immediately in the caller (`eager`, for the
command line and tests)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

__all__ = ["InProcessTaskQueue"]

log = logging.getLogger(__name__)


class InProcessTaskQueue:
    def __init__(self, run: Callable[[str], object], *, eager: bool = False) -> None:
        self._run = run
        self._eager = eager
        self._jobs: queue.Queue[str] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def enqueue(self, job_id: str) -> None:
        if self._eager:
            self._run(job_id)
            return
        self._jobs.put(job_id)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="madoguchi-jobs",
                                                daemon=True)
                self._thread.start()

    def join(self) -> None:
        """Wait until every job enqueued so far has run."""
        self._jobs.join()

    def _work(self) -> None:
        while True:
            job_id = self._jobs.get()
            try:
                self._run(job_id)
            except Exception:
                log.exception("job %s failed in the in-process queue", job_id)
            finally:
                self._jobs.task_done()
