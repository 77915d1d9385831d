"""Background jobs: what a worker runs, its progress and its result."""

from __future__ import annotations

from sqlalchemy import Column, Integer, String, Table, Text
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ID, metadata
from adapters.persistence.types import EnumValue, JSONText, UTCDateTime
from application.jobs.job import Job, JobStatus

__all__ = ["jobs", "map_jobs"]

jobs = Table(
    "jobs", metadata,
    Column("id", ID, primary_key=True),
    Column("name", String(64), nullable=False),
    Column("payload", JSONText(), nullable=False),
    Column("status", EnumValue(JobStatus), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("progress_done", Integer, nullable=False),
    Column("progress_total", Integer, nullable=False),
    Column("result", JSONText(), nullable=False),
    Column("error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("started_at", UTCDateTime),
    Column("finished_at", UTCDateTime),
    Column("version", Integer, nullable=False),  # optimistic locking: one worker claims a job
)


def map_jobs(mappers: registry) -> None:
    mappers.map_imperatively(Job, jobs, version_id_col=jobs.c.version)
