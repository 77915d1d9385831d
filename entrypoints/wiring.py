"""Small builders the composition root (containers.py) wires: the scheduler's thread and this
process's metrics."""

from __future__ import annotations

import functools
from collections.abc import Callable

from adapters.background.scheduler import IntervalScheduler
from adapters.metrics import PrometheusMetrics
from application.jobs.scheduled_work import SCHEDULE_EVERY
from application.messaging.views import outbox_backlog
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork

__all__ = ["process_metrics", "scheduler_thread"]


def scheduler_thread(work: Callable[..., object], queue: object) -> IntervalScheduler:
    """The scheduled work every few seconds on a thread, queuing its jobs on `queue`."""
    return IntervalScheduler(functools.partial(work, queue=queue), every=SCHEDULE_EVERY)


def process_metrics(uow_factory: Callable[[], UnitOfWork], clock: Clock) -> PrometheusMetrics:
    """This process's metrics, the outbox's backlog read from the database at each scrape."""
    return PrometheusMetrics().watch_backlog(
        lambda: outbox_backlog(now=clock.now(), uow=uow_factory()), clock.now)
