"""Runs jobs in this process: on a background thread (the default, so a web request returns at
once and the job's progress can be watched) or immediately in the caller (`eager`, for the
command line and tests). A job runs under the request id bound where it was enqueued
(application/correlation.py), so its log lines and the messages it writes carry it."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from application.correlation import current_request_id, request_id_bound

__all__ = ["InProcessJobQueue"]

log = logging.getLogger(__name__)

_STOP = ("", None)  # not a job: only wakes the thread so that it sees the queue is stopped


class InProcessJobQueue:
    def __init__(self, run: Callable[[str], object], *, eager: bool = False) -> None:
        self._run = run
        self._eager = eager
        self._jobs: queue.Queue[tuple[str, str | None]] = queue.Queue()  # (job id, request id)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def enqueue(self, job_id: str) -> None:
        if self._eager:
            self._run(job_id)
            return
        with self._lock:
            if self._stopped.is_set():
                log.warning("job %s stays queued: the in-process queue is stopped", job_id)
                return
            self._jobs.put((job_id, current_request_id()))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="madoguchi-jobs",
                                                daemon=True)
                self._thread.start()

    def ready(self, timeout: float = 1.0) -> bool:
        """Not stopped, and its thread (once started) still alive: for /readyz."""
        with self._lock:
            thread = self._thread
        if self._eager:
            return True
        return not self._stopped.is_set() and (thread is None or thread.is_alive())

    def join(self) -> None:
        """Wait until every job enqueued so far has run."""
        self._jobs.join()

    def stop(self, timeout: float = 30.0) -> None:
        """Let the job that is running finish, start no other, and end the thread. Jobs still
        waiting are not run here: they stay stored as queued."""
        with self._lock:
            self._stopped.set()
            thread = self._thread
        if thread is not None:
            self._jobs.put(_STOP)  # wakes the thread if it is waiting for work
            thread.join(timeout)

    def _work(self) -> None:
        while True:
            job_id, request_id = self._jobs.get()
            try:
                if self._stopped.is_set():
                    self._leave_waiting(job_id)
                    return
                with request_id_bound(request_id):
                    self._run(job_id)
            except Exception as error:  # the type only: a message may hold personal data
                log.error("job %s failed in the in-process queue: %s", job_id,
                          type(error).__name__)
            finally:
                self._jobs.task_done()

    def _leave_waiting(self, job_id: str) -> None:
        """Stopping: this job and those behind it are not run here (they stay stored as queued,
        as when the process ends)."""
        while True:
            if job_id != _STOP[0]:
                log.warning("job %s stays queued: the in-process queue stopped", job_id)
            try:
                job_id, _ = self._jobs.get_nowait()
            except queue.Empty:
                return
            self._jobs.task_done()
