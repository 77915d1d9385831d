"""Scheduled notices whose time came start sending (run with the due reminders by the scheduled
work, `application/jobs/scheduled_work.py`); a send that failed, or was left queued by a process
that stopped, is handed to the queue again. The notice's status (one scheduler wins) and its
recipients (unique per person) make every repeat harmless."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from application.jobs.job import Job
from application.notices.sending import SEND_NOTICE
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork

__all__ = ["start_due_notices"]


def start_due_notices(*, uow_factory: Callable[[], UnitOfWork], queue: JobQueue,
                      ids: IdGenerator, clock: Clock) -> list[str]:
    """Start every due notice; resume the sends that need it. Returns the job ids queued."""
    now = clock.now()
    with uow_factory() as uow:
        due = [notice.id for notice in uow.notices.due(now)]
    queued = [job_id for job_id in (_start(n, uow_factory, ids, now) for n in due) if job_id]
    with uow_factory() as uow:
        for notice in uow.notices.sending():
            job = uow.jobs.get(str(notice.job_id))
            if job is not None and job.id not in queued and job.to_resume(now):
                queued.append(job.id)
    for job_id in queued:
        queue.enqueue(job_id)
    return queued


def _start(notice_id: str, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
           now: dt.datetime) -> str | None:
    with uow_factory() as uow:
        notice = uow.notices.get(notice_id)
        if notice is None or not notice.is_due(now):
            return None
        job = Job(id=ids.new_id(), name=SEND_NOTICE, payload={"notice_id": notice.id},
                  created_at=now)
        uow.jobs.add(job)
        notice.start(job.id, by=notice.created_by, at=now)
        try:
            uow.commit()
        except (ConcurrentUpdate, DuplicateError):  # another scheduler started it first
            return None
    return job.id
