"""Celery on Redis: `enqueue` sends the job id; a worker (`madoguchi worker`) runs it.

Only the job id travels through the broker (no personal data in Redis). Tasks are acknowledged
late, so a worker that dies mid-job leaves the message to be redelivered; the job runner's claim
makes that safe.
"""

from __future__ import annotations

from collections.abc import Callable

from celery import Celery

__all__ = ["RUN_JOB_TASK", "CeleryTaskQueue", "make_celery"]

RUN_JOB_TASK = "madoguchi.run_job"


def make_celery(broker_url: str, run: Callable[[str], object] | None = None) -> Celery:
    """A Celery app with the one task that runs a stored job. `run` is given on workers."""
    app = Celery("madoguchi", broker=broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
    )

    @app.task(name=RUN_JOB_TASK, bind=True, max_retries=5, default_retry_delay=10)
    def run_job(task, job_id: str) -> None:  # type: ignore[no-untyped-def]
        if run is None:
            raise RuntimeError("this Celery app only sends jobs; start `madoguchi worker`")
        try:
            run(job_id)
        except Exception as error:
            raise task.retry(exc=error) from error

    return app


class CeleryTaskQueue:
    def __init__(self, app: Celery) -> None:
        self._app = app

    def enqueue(self, job_id: str) -> None:
        self._app.send_task(RUN_JOB_TASK, args=[job_id])
