"""The kinds of job there are (the catalog), each with its handler, the Japanese title staff
read, the permission a person needs to start it and the one to see its report, and the audit
action a start is recorded as. A handler is a plain function `(payload, progress) -> result`.
The composition root fills the catalog (entrypoints/jobs.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from attrs import frozen

from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import NotFound

__all__ = ["JobCatalog", "JobHandler", "JobKind", "JobProgress", "Progress"]


class Progress(Protocol):
    def __call__(self, done: int, total: int) -> None: ...


class JobProgress(Protocol):
    """The progress the runner gives a handler; it also renews the run's lease. `units`: the
    units of work to write it with, for a handler that writes through units of its own (the
    registry import, ADR 0081: on SQLite another connection's commit empties the cache of
    the import's connection); default: the runner's."""

    def __call__(self, done: int, total: int, *,
                 units: Callable[[], UnitOfWork] | None = None) -> None: ...


JobHandler = Callable[[dict[str, Any], JobProgress], dict[str, Any]]


@frozen
class JobKind:
    name: str
    handler: JobHandler
    label: str  # what staff read on the progress page (Japanese)
    permission: Permission  # to start one
    report_permission: Permission  # to see its progress and report (which may quote rows)
    action: str = ""  # the audit action of a person's start ("registry.import")
    unit: str = ""  # what its progress counts, after "done / total" (Japanese: "世帯を確認")


class JobCatalog:
    def __init__(self) -> None:
        self._kinds: dict[str, JobKind] = {}

    def register(self, name: str, handler: JobHandler, *, label: str,
                 permission: Permission = Permission.VIEW_JOBS,
                 report_permission: Permission = Permission.VIEW_JOBS,
                 action: str = "", unit: str = "") -> None:
        if name in self._kinds:
            raise ValueError(f"job kind {name!r} is registered twice")
        self._kinds[name] = JobKind(name, handler, label, permission, report_permission,
                                    action or f"job.{name}", unit)

    def kind(self, name: str) -> JobKind:
        try:
            return self._kinds[name]
        except KeyError:
            raise NotFound(f"処理「{name}」は登録されていません。") from None

    def handler(self, name: str) -> JobHandler:
        return self.kind(name).handler
