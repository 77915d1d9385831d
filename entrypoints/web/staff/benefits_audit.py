"""Audit records for the benefit pages' changes, written in the change's own transaction.

The benefit use cases take a unit of work but no audit entry. `audited(entry)` hands them a
unit of work that appends the entry just before the use case commits, so the change and its
record commit together or neither does. `RememberingIds` gives the entry the id the use case
made (the new program, the job). Use cases that commit more than once (bulk decisions, one
transaction per chunk) are recorded right after they return instead (`record_after`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.audit.recording import record_in, record_now
from application.ports.audit import AuditEntry
from application.ports.clock import IdGenerator
from entrypoints.web.services import container
from entrypoints.web.staff.access import audit_entry

__all__ = ["AuditedUnitOfWork", "RememberingIds", "audited", "record_after"]


class AuditedUnitOfWork:
    """Wraps a unit of work: its first successful commit carries the audit entry."""

    def __init__(self, inner: Any, entry: Callable[[], AuditEntry]) -> None:
        self._inner, self._entry, self.recorded = inner, entry, False

    def __enter__(self) -> AuditedUnitOfWork:
        self._inner.__enter__()
        return self

    def __exit__(self, *args: object) -> None:
        self._inner.__exit__(*args)

    def commit(self) -> None:
        if not self.recorded:
            record_in(self._inner, self._entry(), clock=container().clock())
        self._inner.commit()  # a refused commit rolls the record back with the change
        self.recorded = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class RememberingIds:
    """An id generator that remembers the first id it made (the new thing's id)."""

    def __init__(self, inner: IdGenerator) -> None:
        self._inner, self.first = inner, ""

    def new_id(self) -> str:
        made = self._inner.new_id()
        self.first = self.first or made
        return made


def audited(action: str, target_type: str, target_id: str | Callable[[], str],
            **detail: str | int | bool) -> AuditedUnitOfWork:
    """A fresh unit of work whose commit records `action` (target id now, or when committing)."""
    def entry() -> AuditEntry:
        target = target_id() if callable(target_id) else target_id
        return audit_entry(action, target_type, target, **detail)

    return AuditedUnitOfWork(container().uow(), entry)


def record_after(action: str, target_type: str, target_id: str,
                 **detail: str | int | bool) -> None:
    """Record a change a use case has just committed in several transactions (its own)."""
    services = container()
    record_now(audit_entry(action, target_type, target_id, **detail), uow=services.uow(),
               clock=services.clock())
