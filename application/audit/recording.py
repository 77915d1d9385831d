"""Record an audit entry.

`record_in` adds it to an open unit of work, so an audited change and its record commit together
(or neither does). `record_now` writes it in its own transaction: for views of personal data and
for sign-ins, where nothing else is written."""

from __future__ import annotations

from application.ports.audit import AuditEntry, AuditRecord
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork

__all__ = ["record_in", "record_now"]


def record_in(uow: UnitOfWork, entry: AuditEntry, *, clock: Clock) -> AuditRecord:
    """Inside `with uow:` before `uow.commit()`."""
    return uow.audit.append(entry, at=clock.now())


def record_now(entry: AuditEntry, *, uow: UnitOfWork, clock: Clock) -> AuditRecord:
    with uow:
        record = uow.audit.append(entry, at=clock.now())
        uow.commit()
    return record
