"""What `/readyz` checks: the database answers `SELECT 1`, and the job queue can take work (the
broker answers a ping with Celery, and the last wake of the inbound workers did not hang; the
in-process queue's, outbox's and inbound handlers' threads are alive).
Each check is named by what failed, never by its address or its error's text."""

from __future__ import annotations

import logging

from sqlalchemy import text

from entrypoints.containers import Container

__all__ = ["QUEUE_TIMEOUT", "readiness"]

log = logging.getLogger(__name__)

QUEUE_TIMEOUT = 1.0  # seconds for the broker's ping (the database's: CONNECT_TIMEOUT)


def _database(container: Container) -> bool:
    try:
        with container.engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # the type only: a driver's message names the host
        log.warning("readiness: the database did not answer (%s)", type(error).__name__)
        return False
    return True


def _queue(container: Container) -> bool:
    try:
        ready = (container.job_queue().ready(QUEUE_TIMEOUT)
                 and container.outbox_notifier().ready(QUEUE_TIMEOUT)
                 and container.inbound_workers().ready(QUEUE_TIMEOUT))
    except Exception as error:
        log.warning("readiness: the queue could not be checked (%s)", type(error).__name__)
        return False
    if not ready:
        log.warning("readiness: the queue (%s) is not ready", container.config.task_queue())
    return ready


def readiness(container: Container) -> dict[str, str]:
    """{"database": "ok" | "unreachable", "queue": "ok" | "unreachable"}."""
    return {"database": "ok" if _database(container) else "unreachable",
            "queue": "ok" if _queue(container) else "unreachable"}
