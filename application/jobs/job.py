"""A job: long work (imports, campaigns, the demo seed) stored with its status and progress."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import define, field

from domain.errors import IllegalTransition

__all__ = ["MAX_SEND_ATTEMPTS", "STALE_QUEUED", "Job", "JobStatus"]

MAX_SEND_ATTEMPTS = 5  # a scheduled send that keeps failing is left for staff (its job page)
STALE_QUEUED = dt.timedelta(minutes=10)  # a job queued this long ago, never started


class JobStatus(enum.Enum):
    QUEUED = "queued"  # 待機中
    RUNNING = "running"  # 実行中
    SUCCEEDED = "succeeded"  # 完了
    FAILED = "failed"  # 失敗

    @property
    def label(self) -> str:
        return {"queued": "待機中", "running": "実行中", "succeeded": "完了",
                "failed": "失敗"}[self.value]


@define(slots=False, eq=False)
class Job:
    id: str
    name: str
    payload: dict[str, Any]
    created_at: dt.datetime
    status: JobStatus = JobStatus.QUEUED
    attempts: int = 0
    progress_done: int = 0
    progress_total: int = 0
    result: dict[str, Any] = field(factory=dict)
    error: str = ""
    # when the current run started, renewed while it runs: its worker's lease (a worker that
    # died stops renewing, and the run may be taken up again once the lease lapsed)
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.FAILED}

    def can_start(self, *, now: dt.datetime, lease: dt.timedelta) -> bool:
        """Queued or failed jobs may start; a running one only when its worker's lease lapsed."""
        if self.status in {JobStatus.QUEUED, JobStatus.FAILED}:
            return True
        return (self.status is JobStatus.RUNNING and self.started_at is not None
                and now - self.started_at > lease)

    def to_resume(self, now: dt.datetime) -> bool:
        """A scheduled send's job the scheduler hands to the queue again: failed fewer than
        `MAX_SEND_ATTEMPTS` times, or queued long ago by a process that stopped."""
        if self.status is JobStatus.FAILED:
            return self.attempts < MAX_SEND_ATTEMPTS
        return self.status is JobStatus.QUEUED and now - self.created_at > STALE_QUEUED

    def start(self, *, now: dt.datetime, lease: dt.timedelta) -> None:
        if not self.can_start(now=now, lease=lease):
            raise IllegalTransition(f"ジョブは{self.status.label}のため開始できません。")
        self.status = JobStatus.RUNNING
        self.attempts += 1
        self.started_at = now
        self.error = ""

    def renew_lease(self, at: dt.datetime, *, attempt: int) -> bool:
        """Keep run `attempt` leased while its worker is still at it (False when the job has
        since finished or was taken up by another worker)."""
        if self.status is not JobStatus.RUNNING or self.attempts != attempt:
            return False
        self.started_at = at
        return True

    def report_progress(self, done: int, total: int) -> None:
        self.progress_done, self.progress_total = done, total

    def succeed(self, result: dict[str, Any], *, now: dt.datetime) -> None:
        self.status = JobStatus.SUCCEEDED
        self.result = result
        self.finished_at = now
        if self.progress_total and self.progress_done < self.progress_total:
            self.progress_done = self.progress_total

    def fail(self, error: str, *, now: dt.datetime) -> None:
        self.status = JobStatus.FAILED
        self.error = error
        self.finished_at = now
