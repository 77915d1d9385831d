"""Administrators read the audit log (監査ログ): search it a page at a time, and verify its hash
chain. Reading it is itself recorded (who looked at the record of who looked), once per page."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.audit.verifying_chain import ChainReport, verify_audit_chain
from application.ports.audit import AuditQuery, AuditRecord
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission

__all__ = ["AuditPage", "search_audit_log", "verify_audit_log"]


@frozen
class AuditPage:
    records: Sequence[AuditRecord] = field(converter=tuple)  # newest first
    staff_names: Mapping[str, str]  # staff id → 氏名, for the staff who acted on this page
    newer: int | None  # the seq to page from towards newer records (None: this is the newest)
    older: int | None  # ... towards older ones (None: nothing older matches)


def search_audit_log(query: AuditQuery, *, actor: Actor, uow: UnitOfWork,
                     clock: Clock) -> AuditPage:
    """One page of `query.limit` records (keyset by seq: `before_seq` or `after_seq`)."""
    actor.ensure(Permission.VIEW_AUDIT_LOG, "監査ログを閲覧")
    with uow:
        found = list(uow.audit.search(attrs.evolve(query, limit=query.limit + 1)))
        if query.after_seq is not None:  # the oldest newer ones: one more means more newer
            more_newer, found = len(found) > query.limit, found[-query.limit:]
            more_older = True
        else:
            more_older, found = len(found) > query.limit, found[:query.limit]
            more_newer = query.before_seq is not None
        ids = {r.actor_id for r in found} | {  # and the staff a key acted for
            str(r.detail[fact]) for r in found for fact in ("party", "owner") if fact in r.detail}
        names = {m.id: m.display_name for m in uow.queries.staff.members() if m.id in ids}
        record(uow, actor, "audit.search", "audit_log", at=clock.now(), shown=len(found))
        uow.commit()
    return AuditPage(found, names, newer=found[0].seq if found and more_newer else None,
                     older=found[-1].seq if found and more_older else None)


def verify_audit_log(*, actor: Actor, uow_factory: Callable[[], UnitOfWork],
                     clock: Clock) -> ChainReport:
    actor.ensure(Permission.VIEW_AUDIT_LOG, "監査ログを検証")
    report = verify_audit_chain(uow_factory=uow_factory)
    with uow_factory() as uow:
        record(uow, actor, "audit.verify", "audit_log", at=clock.now(), intact=report.intact,
               checked=report.checked)
        uow.commit()
    return report
