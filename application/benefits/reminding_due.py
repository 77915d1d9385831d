"""Scheduled work: the reminders whose time came are started as jobs (the scheduler runs this
every minute: a thread beside the in-process queue, Celery beat in production). A send that
failed, or was left queued by a process that stopped, is handed to the queue again; the job
runner's claim and the reminder's unique deliveries make every repeat harmless."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from application.benefits.reminding_send import SEND_REMINDER
from application.jobs.job import Job
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork

__all__ = ["start_due_reminders"]


def start_due_reminders(*, uow_factory: Callable[[], UnitOfWork], queue: JobQueue,
                        ids: IdGenerator, clock: Clock) -> list[str]:
    """Start every due reminder; resume the sends that need it. Returns the job ids queued."""
    now = clock.now()
    with uow_factory() as uow:
        due = [reminder.id for reminder in uow.reminders.due(now)]
    queued = [job_id for job_id in (_start(r, uow_factory, ids, now) for r in due) if job_id]
    with uow_factory() as uow:
        for reminder in uow.reminders.started():
            job = uow.jobs.get(str(reminder.job_id))
            if job is not None and job.id not in queued and job.to_resume(now):
                queued.append(job.id)
    for job_id in queued:
        queue.enqueue(job_id)
    return queued


def _start(reminder_id: str, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
           now: dt.datetime) -> str | None:
    with uow_factory() as uow:
        reminder = uow.reminders.get(reminder_id)
        if reminder is None or not reminder.is_due(now):
            return None
        job = Job(id=ids.new_id(), name=SEND_REMINDER, payload={"reminder_id": reminder.id},
                  created_at=now)
        uow.jobs.add(job)
        reminder.start(job.id)
        try:
            uow.commit()
        except (ConcurrentUpdate, DuplicateError):  # another scheduler started it first
            return None
    return job.id
