"""What the application counts for the town's monitoring: deliveries and jobs.

Implemented with prometheus-client in `adapters/metrics.py`; `NO_METRICS` counts nothing (the
default of the use cases, so a test or a command line that does not care passes nothing)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["NO_METRICS", "Metrics"]


class Metrics(Protocol):
    def delivered(self, channel: str, outcome: str, count: int = 1) -> None:
        """Outbox messages handled on `channel`: outcome `sent`, `retry` or `failed`."""
        ...

    def job_ran(self, kind: str, outcome: str, seconds: float) -> None:
        """A job of `kind` ran for `seconds`: outcome `succeeded`, `failed` or `crashed`."""
        ...


class _NoMetrics:
    def delivered(self, channel: str, outcome: str, count: int = 1) -> None:
        pass

    def job_ran(self, kind: str, outcome: str, seconds: float) -> None:
        pass


NO_METRICS: Metrics = _NoMetrics()
