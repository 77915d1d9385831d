"""The repository of background jobs."""

from __future__ import annotations

from adapters.persistence.repositories.base import SqlRepository
from application.jobs.job import Job

__all__ = ["SqlJobRepository"]


class SqlJobRepository(SqlRepository):
    model = Job
