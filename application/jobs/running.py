"""Starting a job (stored, then handed to the job queue) and running one (the job runner).

The runner claims the job (a succeeded job never runs again; a failed one may, which is how
retries work; a running one only when its lease lapsed; of two workers claiming at once, one
wins and the other stands back), runs its kind's handler while renewing the lease, and records
the outcome. So enqueueing twice, or a redelivery, is harmless. A person's start is checked
against the kind's permission and audited in the transaction that stores the job. How long each
run took, by kind and outcome, goes to `Metrics.job_ran`; the log lines of a run carry the
request id its queue bound.

A process killed while a job waited or ran leaves it queued or running; `resume_left_behind`
(at start and in the scheduled work) hands such jobs to the queue again once the dead worker's
lease lapsed. The handlers bear being run again (an import of the same file changes nothing; a
send never notifies a household twice): ADR 0037.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from application.access.actor import Actor
from application.audit.recording import record
from application.jobs.catalog import JobCatalog
from application.jobs.job import Job, JobStatus
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.metrics import NO_METRICS, Metrics
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.errors import DomainError, NotFound

__all__ = ["JobCrashed", "job_status", "resume_left_behind", "run_job", "start_job"]

log = logging.getLogger(__name__)

DEFAULT_LEASE = dt.timedelta(seconds=15)
RENEW_EVERY = DEFAULT_LEASE.total_seconds() / 3
LEASE_THREAD = "madoguchi-job-lease"  # the thread that renews a run's lease
QUEUED_GRACE = dt.timedelta(seconds=5)  # a job stored this recently is on its way to the queue


class JobCrashed(Exception):
    """A job's handler raised something unexpected. It names the job and the exception's type
    only: the original message may quote a row of a file, a name or an address, and this one is
    logged (and sent through a broker on a retry)."""

    def __init__(self, job_id: str, kind: str) -> None:
        super().__init__(f"job {job_id} failed: {kind}")
        self.job_id, self.kind = job_id, kind


def start_job(name: str, payload: dict[str, Any], *, uow: UnitOfWork, queue: JobQueue,
              catalog: JobCatalog, ids: IdGenerator, clock: Clock,
              actor: Actor | None = None, **detail: str | int | bool) -> str:
    """Store a job and hand it to the queue; returns the job id for progress look-ups.

    `actor`: the person who asked, who must hold the kind's permission; their start is audited
    with the job (`detail`: small facts for the record, never personal data). None: the
    system asked on a resident's behalf (keeping a photo they sent)."""
    kind = catalog.kind(name)  # refuse unknown work before storing anything
    if actor is not None:
        actor.ensure(kind.permission, f"「{kind.label}」を開始")
    job = Job(id=ids.new_id(), name=name, payload=payload, created_at=clock.now())
    with uow:
        uow.jobs.add(job)
        if actor is not None:
            record(uow, actor, kind.action, "job", job.id, at=job.created_at, **detail)
        uow.commit()
    queue.enqueue(job.id)
    return job.id


def run_job(job_id: str, *, uow_factory: Callable[[], UnitOfWork], catalog: JobCatalog,
            clock: Clock, lease: dt.timedelta = DEFAULT_LEASE,
            metrics: Metrics = NO_METRICS, renew_every: float = RENEW_EVERY,
            ticks: Callable[[], float] = time.monotonic) -> JobStatus:
    """`ticks`: seconds on a clock that only goes forward, which says when the lease was last
    renewed (the job row keeps `clock`'s time)."""
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
        if job is None:
            raise NotFound(f"ジョブ {job_id} が見つかりません。")
        if not job.can_start(now=clock.now(), lease=lease):
            return job.status
        job.start(now=clock.now(), lease=lease)
        name, payload, attempt = job.name, dict(job.payload), job.attempts
        try:
            uow.commit()
        except ConcurrentUpdate:  # another worker claimed it first
            return JobStatus.RUNNING

    renewed = _Renewed(ticks)

    def progress(done: int, total: int, *,
                 units: Callable[[], UnitOfWork] | None = None) -> None:
        """Progress is a sign of life: it renews the lease too, so the renewing thread need
        not write while a handler reports often (ADR 0081)."""
        for _ in range(3):  # the lease's renewal may have written the row meanwhile
            with (units or uow_factory)() as progress_uow:
                running = progress_uow.jobs.get(job_id)
                if running is None:
                    return
                if not running.renew_lease(clock.now(), attempt=attempt):
                    return  # finished, or another run holds it: not this run's to write
                running.report_progress(done, total)
                at = ticks()
                try:
                    progress_uow.commit()
                except ConcurrentUpdate:
                    continue
                renewed.at = at
                return

    started = clock.now()
    log.info("job %s (%s) started", job_id, name, extra={"job_id": job_id, "job_kind": name})

    def ran(outcome: str) -> None:
        seconds = max((clock.now() - started).total_seconds(), 0.0)
        metrics.job_ran(name, outcome, seconds)
        log.info("job %s (%s) %s in %.3f s", job_id, name, outcome, seconds,
                 extra={"job_id": job_id, "job_kind": name, "outcome": outcome,
                        "duration_ms": round(seconds * 1000)})

    try:
        with _renewing(job_id, attempt, uow_factory, clock, every=renew_every, renewed=renewed):
            result = catalog.handler(name)(payload, progress)
    except DomainError as error:
        message = error.message
        _finish(job_id, uow_factory, lambda j: j.fail(message, now=clock.now()))
        ran("failed")
        return JobStatus.FAILED
    except Exception as error:
        kind = type(error).__name__
        log.error("job %s (%s) failed: %s", job_id, name, kind)  # no message: personal data
        _finish(job_id, uow_factory, lambda j: j.fail(
            f"処理中に予期しないエラーが発生しました（{kind}）。", now=clock.now()))
        ran("crashed")
        raise JobCrashed(job_id, kind) from None
    _finish(job_id, uow_factory, lambda j: j.succeed(result, now=clock.now()))
    ran("succeeded")
    return JobStatus.SUCCEEDED


class _Renewed:
    """When the run's lease was last renewed (in `ticks`), by the thread or by progress."""

    def __init__(self, ticks: Callable[[], float]) -> None:
        self.ticks = ticks
        self.at = ticks()

    def ago(self) -> float:
        return self.ticks() - self.at


@contextmanager
def _renewing(job_id: str, attempt: int, uow_factory: Callable[[], UnitOfWork], clock: Clock,
              *, every: float, renewed: _Renewed) -> Iterator[None]:
    """Renew the run's lease whenever `every` seconds passed without a renewal (progress
    renews it too) until the handler returns."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(max(every - renewed.ago(), every / 10)):
            if renewed.ago() < every:
                continue
            try:
                with uow_factory() as uow:
                    job = uow.jobs.get(job_id)
                    if job is None or not job.renew_lease(clock.now(), attempt=attempt):
                        return
                    at = renewed.ticks()
                    uow.commit()
                renewed.at = at
            except ConcurrentUpdate:  # progress was written meanwhile: renew at the next turn
                continue
            except Exception:
                log.exception("could not renew the lease of job %s; trying again", job_id)
                if done.wait(every):  # a database that is down is not asked twice a second
                    return

    renewer = threading.Thread(target=renew, name=LEASE_THREAD, daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()


def resume_left_behind(*, uow_factory: Callable[[], UnitOfWork], queue: JobQueue,
                       clock: Clock, lease: dt.timedelta = DEFAULT_LEASE) -> int:
    """Hand to the queue the jobs a killed process left queued or running (their lease
    lapsed); returns how many. A job taken up twice runs once: the first claim wins."""
    now = clock.now()
    with uow_factory() as uow:
        left = [job.id for job in uow.jobs.left_behind(now=now, lease=lease,
                                                        queued_before=now - QUEUED_GRACE)]
    for job_id in left:
        log.warning("job %s was left behind by a process that ended; resuming it", job_id)
        queue.enqueue(job_id)
    return len(left)


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
