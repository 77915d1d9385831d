"""The job queue: runs a stored job in this process or on workers."""

from __future__ import annotations

from typing import Protocol

__all__ = ["JobQueue"]


class JobQueue(Protocol):
    """Runs a job somewhere else: in this process (the embedded default) or on workers."""

    def enqueue(self, job_id: str) -> None:
        """Schedule the job (already stored with its name and payload) to run. Enqueueing the
        same job twice is harmless: a job that succeeded is not run again."""
        ...
