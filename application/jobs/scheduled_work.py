"""The scheduled work, run every few seconds beside the job queue (the in-process scheduler,
`madoguchi scheduler`, or Celery beat): jobs a killed process left behind are taken up again,
due reminders and scheduled notices (ADR 0058) become jobs, closed cases past the town's
retention period are erased (ADR 0047), procedure fees never paid are dropped with their
answers (ADR 0053), and the report's settled months are kept counted (ADR 0060)."""

from __future__ import annotations

from collections.abc import Callable

from application.benefits.reminding_due import start_due_reminders
from application.cases.dropping_unpaid_fees import drop_unpaid_fees
from application.cases.erasing_expired_cases import EraseExpiredCases, erase_expired_cases
from application.jobs.running import resume_left_behind
from application.notices.sending_due import start_due_notices
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.unit_of_work import UnitOfWork
from application.reporting.keeping_kpi_months import keep_kpi_months

__all__ = ["SCHEDULE_EVERY", "run_scheduled_work"]

# seconds between two runs: a job left behind waits its lease (15 s) and at most this long
SCHEDULE_EVERY = 15.0


def run_scheduled_work(*, uow_factory: Callable[[], UnitOfWork], queue: JobQueue,
                       ids: IdGenerator, clock: Clock, case_retention_days: int = 0) -> None:
    resume_left_behind(uow_factory=uow_factory, queue=queue, clock=clock)
    start_due_reminders(uow_factory=uow_factory, queue=queue, ids=ids, clock=clock)
    start_due_notices(uow_factory=uow_factory, queue=queue, ids=ids, clock=clock)
    erase_expired_cases(EraseExpiredCases(retention_days=case_retention_days),
                        uow_factory=uow_factory, clock=clock)
    drop_unpaid_fees(uow_factory=uow_factory, clock=clock)
    keep_kpi_months(uow_factory=uow_factory, clock=clock)
