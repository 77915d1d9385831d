"""What the disbursement use cases share: who acts, the audit trail, telling the resident."""

from __future__ import annotations

import datetime as dt

from attrs import frozen

from application.audit.recording import record_in
from application.messaging.codec import messages_to_json
from application.outbox import OutboxMessage
from application.ports.audit import AuditEntry
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission, allows
from domain.batches import PaymentAuditEntry, PaymentBatch
from domain.errors import DomainError, NotFound
from domain.staff import Role

__all__ = ["Actor", "NotAllowed", "audit", "load_batch", "notify_household"]


class NotAllowed(DomainError):
    code = "forbidden"


@frozen
class Actor:
    """Who acts: a staff id (or `api:<key id>`) with the role that decides what they may do,
    their log-in id as the audit log shows it, and where they acted from."""

    id: str
    role: Role
    label: str = ""
    ip: str = ""

    def ensure(self, permission: Permission, doing: str) -> None:
        if not allows(self.role, permission):
            raise NotAllowed(f"{self.role.label}の役割では{doing}できません。")


SYSTEM = Actor(id="system", role=Role.ADMINISTRATOR, label="system")


def audit(uow: UnitOfWork, ids: IdGenerator, clock: Clock, *, at: dt.datetime, actor: Actor,
          action: str, batch_id: str | None = None, disbursement_id: str | None = None,
          detail: str = "") -> None:
    """One entry in the payments' own trail (`payment_audit_entries`, shown with the batch) and
    one in the town's hash-chained audit log, in the unit of work that makes the change."""
    uow.payment_audit.add(PaymentAuditEntry(id=ids.new_id(), at=at, actor=actor.id,
                                            action=action, batch_id=batch_id,
                                            disbursement_id=disbursement_id, detail=detail))
    target_type, target_id = (("disbursement", disbursement_id) if disbursement_id
                              else ("payment_batch", batch_id or ""))
    facts: dict[str, str | int | bool] = {"note": detail[:200]} if detail else {}
    if disbursement_id and batch_id:
        facts["batch_id"] = batch_id
    record_in(uow, AuditEntry(actor_id=actor.id, actor_label=actor.label or actor.id,
                              action=f"{target_type}.{action}", target_type=target_type,
                              target_id=target_id, ip=actor.ip, detail=facts), clock=clock)


def load_batch(uow: UnitOfWork, batch_id: str) -> PaymentBatch:
    batch = uow.batches.get(batch_id)
    if batch is None and batch_id.isdigit():
        batch = uow.batches.get_by_number(int(batch_id))
    if batch is None:
        raise NotFound(f"支払バッチ「{batch_id}」が見つかりません。")
    return batch


def notify_household(uow: UnitOfWork, ids: IdGenerator, *, household_id: str, text: str,
                     at: dt.datetime, choices: tuple[Choice, ...] = ()) -> int:
    """Queue `text` to the household's linked LINE (or other) identities that still follow
    us: the head's first, else the other members'. Returns how many were queued."""
    household = uow.households.get(household_id)
    if household is None:
        return 0
    ordered = [household.head_resident_id] + [m for m in household.member_ids
                                              if m != household.head_resident_id]
    for resident_id in ordered:
        identities = [i for i in uow.channel_identities.linked_to(resident_id) if i.reachable]
        for identity in identities:
            uow.outbox.add(OutboxMessage(
                id=ids.new_id(), channel=identity.channel, recipient=identity.address,
                payload={"messages": messages_to_json([OutgoingMessage(
                    text=text, choices=choices,
                    style=MessageStyle.BUTTONS if choices else MessageStyle.PLAIN)])},
                created_at=at))
        if identities:
            return len(identities)
    return 0
