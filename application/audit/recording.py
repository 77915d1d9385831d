"""Record an audit entry: who (the actor) did or looked at what, inside the unit of work that
makes the change or reads the data, so the two commit together or not at all.

This is the one way audit records are written. A use case that changes state or shows personal
data calls `record` once for the action (before `uow.commit()`); event handlers call it for what
followed from the action (a transfer that failed, a batch that closed)."""

from __future__ import annotations

import datetime as dt

from application.access.actor import Actor
from application.ports.audit import AuditEntry, AuditRecord
from application.ports.unit_of_work import UnitOfWork

__all__ = ["record"]


def record(uow: UnitOfWork, actor: Actor, action: str, target_type: str = "",
           target_id: str = "", *, at: dt.datetime,
           **detail: str | int | bool) -> AuditRecord:
    """Inside `with uow:` before `uow.commit()`. `action` is dotted ("application.view");
    `detail` holds small facts that are not personal data (a status, a count, a reason code).
    A key's record also names the party accountable for it (`party`: a staff id or `org:…`)."""
    if actor.party != actor.id:
        detail = {**detail, "party": actor.party}
    return uow.audit.append(AuditEntry(actor_id=actor.id, actor_label=actor.label or actor.id,
                                       action=action, target_type=target_type,
                                       target_id=target_id, ip=actor.ip, detail=detail), at=at)
