"""Administrators read the audit log (監査ログ): search it, and verify its hash chain. Reading
it is itself recorded (who looked at the record of who looked)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from application.access.actor import Actor
from application.audit.recording import record
from application.audit.verifying_chain import ChainReport, verify_audit_chain
from application.ports.audit import AuditQuery, AuditRecord
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission

__all__ = ["search_audit_log", "verify_audit_log"]


def search_audit_log(query: AuditQuery, *, actor: Actor, uow: UnitOfWork,
                     clock: Clock) -> Sequence[AuditRecord]:
    actor.ensure(Permission.VIEW_AUDIT_LOG, "監査ログを閲覧")
    with uow:
        found = list(uow.audit.search(query))
        record(uow, actor, "audit.search", "audit_log", at=clock.now(), shown=len(found))
        uow.commit()
    return found


def verify_audit_log(*, actor: Actor, uow_factory: Callable[[], UnitOfWork],
                     clock: Clock) -> ChainReport:
    actor.ensure(Permission.VIEW_AUDIT_LOG, "監査ログを検証")
    report = verify_audit_chain(uow_factory=uow_factory)
    with uow_factory() as uow:
        record(uow, actor, "audit.verify", "audit_log", at=clock.now(), intact=report.intact,
               checked=report.checked)
        uow.commit()
    return report
