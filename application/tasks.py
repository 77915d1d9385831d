"""Running jobs through the task queue: a registry of task handlers and the job runner.

A handler is a plain function `(payload, progress) -> result`. The runner claims the job (a
succeeded job never runs again; a failed one may, which is how retries work; a running one only
when its lease lapsed; of two workers claiming at once, one wins and the other stands back),
runs the handler, and records the outcome. So enqueueing twice, or a redelivery, is harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from application.jobs import Job, JobStatus
from application.ports.clock import Clock, IdGenerator
from application.ports.tasks import TaskQueue
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.errors import DomainError, NotFound

__all__ = ["Progress", "TaskHandler", "TaskRegistry", "run_job", "start_job"]

log = logging.getLogger(__name__)

DEFAULT_LEASE = dt.timedelta(minutes=30)


class Progress(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


TaskHandler = Callable[[dict[str, Any], Progress], dict[str, Any]]


class TaskRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, TaskHandler] = {}

    def register(self, name: str, handler: TaskHandler) -> None:
        if name in self._handlers:
            raise ValueError(f"task {name!r} is registered twice")
        self._handlers[name] = handler

    def get(self, name: str) -> TaskHandler:
        try:
            return self._handlers[name]
        except KeyError:
            raise NotFound(f"処理「{name}」は登録されていません。") from None

    def names(self) -> list[str]:
        return sorted(self._handlers)


def start_job(name: str, payload: dict[str, Any], *, uow: UnitOfWork, queue: TaskQueue,
              registry: TaskRegistry, ids: IdGenerator, clock: Clock) -> str:
    """Store a job and hand it to the queue; returns the job id for progress look-ups."""
    registry.get(name)  # refuse unknown work before storing anything
    job = Job(id=ids.new_id(), name=name, payload=payload, created_at=clock.now())
    with uow:
        uow.jobs.add(job)
        uow.commit()
    queue.enqueue(job.id)
    return job.id


def run_job(job_id: str, *, uow_factory: Callable[[], UnitOfWork], registry: TaskRegistry,
            clock: Clock, lease: dt.timedelta = DEFAULT_LEASE) -> JobStatus:
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"ジョブ {job_id} が見つかりません。")
        if not job.can_start(now=clock.now(), lease=lease):
            return job.status
        job.start(now=clock.now(), lease=lease)
        name, payload = job.name, dict(job.payload)
        try:
            uow.commit()
        except ConcurrentUpdate:  # another worker claimed it first
            return JobStatus.RUNNING

    def progress(done: int, total: int) -> None:
        with uow_factory() as progress_uow:
            running = progress_uow.jobs.get(job_id)
            if running is not None:
                running.report_progress(done, total)
                progress_uow.commit()

    try:
        result = registry.get(name)(payload, progress)
    except DomainError as error:
        message = error.message
        _finish(job_id, uow_factory, lambda j: j.fail(message, now=clock.now()))
        return JobStatus.FAILED
    except Exception:
        log.exception("job %s (%s) failed", job_id, name)
        _finish(job_id, uow_factory,
                lambda j: j.fail("処理中に予期しないエラーが発生しました。", now=clock.now()))
        raise
    _finish(job_id, uow_factory, lambda j: j.succeed(result, now=clock.now()))
    return JobStatus.SUCCEEDED


def _finish(job_id: str, uow_factory: Callable[[], UnitOfWork],
            change: Callable[[Job], None]) -> None:
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
        if job is not None:
            change(job)
            uow.commit()
