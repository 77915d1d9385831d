"""The repository of background jobs."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import and_, or_, select

from adapters.persistence.repositories.base import SqlRepository
from application.jobs.job import Job, JobStatus

__all__ = ["SqlJobRepository"]


class SqlJobRepository(SqlRepository):
    model = Job

    def left_behind(self, *, now: dt.datetime, lease: dt.timedelta,
                    queued_before: dt.datetime) -> Sequence[Job]:
        """Jobs no process is running: queued for a while, or running with a lapsed lease."""
        return self.session.scalars(
            select(Job).where(or_(
                and_(Job.status == JobStatus.QUEUED, Job.created_at < queued_before),
                and_(Job.status == JobStatus.RUNNING, Job.started_at < now - lease)))
            .order_by(Job.created_at)).all()
