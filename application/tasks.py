"""Running jobs through the task queue: a registry of task handlers and the job runner.

A handler is a plain function `(payload, progress) -> result`. The runner claims the job (a
succeeded job never runs again; a failed one may, which is how retries work; a running one only
when its lease lapsed; of two workers claiming at once, one wins and the other stands back),
runs the handler, and records the outcome. So enqueueing twice, or a redelivery, is harmless.

A task is registered with the permission a person needs to start it and the audit action their
start is recorded as (in the transaction that stores the job).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Protocol

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.jobs import Job, JobStatus
from application.ports.clock import Clock, IdGenerator
from application.ports.tasks import TaskQueue
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.access import Permission
from domain.errors import DomainError, NotFound

__all__ = ["Progress", "Task", "TaskHandler", "TaskRegistry", "job_status", "run_job",
           "start_job"]

log = logging.getLogger(__name__)

DEFAULT_LEASE = dt.timedelta(minutes=30)


class Progress(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


TaskHandler = Callable[[dict[str, Any], Progress], dict[str, Any]]


@frozen
class Task:
    name: str
    handler: TaskHandler
    label: str  # what staff read on the progress page (Japanese)
    permission: Permission  # to start it, and to see its progress and report
    action: str = ""  # the audit action of a person's start ("registry.import")


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, Task] = {}

    def register(self, name: str, handler: TaskHandler, *, label: str,
                 permission: Permission = Permission.VIEW_JOBS, action: str = "") -> None:
        if name in self._tasks:
            raise ValueError(f"task {name!r} is registered twice")
        self._tasks[name] = Task(name, handler, label, permission, action or f"job.{name}")

    def task(self, name: str) -> Task:
        try:
            return self._tasks[name]
        except KeyError:
            raise NotFound(f"処理「{name}」は登録されていません。") from None

    def get(self, name: str) -> TaskHandler:
        return self.task(name).handler

    def names(self) -> list[str]:
        return sorted(self._tasks)


def start_job(name: str, payload: dict[str, Any], *, uow: UnitOfWork, queue: TaskQueue,
              registry: TaskRegistry, ids: IdGenerator, clock: Clock,
              actor: Actor | None = None, **detail: str | int | bool) -> str:
    """Store a job and hand it to the queue; returns the job id for progress look-ups.

    `actor`: the person who asked, who must hold the task's permission; their start is audited
    with the job (`detail`: small facts for the record, never personal data). None: the
    system asked on a resident's behalf (keeping a photo they sent)."""
    task = registry.task(name)  # refuse unknown work before storing anything
    if actor is not None:
        actor.ensure(task.permission, f"「{task.label}」を開始")
    job = Job(id=ids.new_id(), name=name, payload=payload, created_at=clock.now())
    with uow:
        uow.jobs.add(job)
        if actor is not None:
            record(uow, actor, task.action, "job", job.id, at=job.created_at, **detail)
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


def job_status(job_id: str, *, uow: UnitOfWork) -> Job:
    """A job as its progress page and the API show it."""
    with uow:
        job = uow.jobs.get(job_id)
    if job is None:
        raise NotFound("ジョブが見つかりません。", code="job_not_found")
    return job
