"""Staff decide a verification held for review: link it to one of the registry people shown
side by side, or reject it. The resident is told on their channel."""

from __future__ import annotations

from attrs import frozen

from application.messaging.codec import messages_to_json
from application.outbox import OutboxMessage
from application.ports.audit import AuditEntry
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.residents.registering_verification import LINKED_MESSAGE
from domain.errors import IllegalTransition, NotFound
from domain.residents import Verification
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["REJECTED_MESSAGE", "DecideVerification", "decide_verification"]

REJECTED_MESSAGE = ("本人確認の内容を住民記録と照合できませんでした。お手数ですが、"
                    "役場の窓口までお問い合わせください。")


@frozen
class DecideVerification:
    verification_id: str
    staff_id: str
    link_to: str | None = None  # a resident id among the candidates; None = reject
    reason: str = ""


def decide_verification(command: DecideVerification, *, uow: UnitOfWork, ids: IdGenerator,
                        clock: Clock, audit: AuditEntry | None = None) -> IdentityVerification:
    """`audit`, when given, is recorded in the same transaction as the decision."""
    now = clock.now()
    with uow:
        record = uow.verifications.get(command.verification_id)
        if record is None:
            raise NotFound("本人確認の記録が見つかりません。")
        if record.status not in (VerificationStatus.REVIEW, VerificationStatus.UNMATCHED):
            raise IllegalTransition(f"この本人確認は「{record.status.label}」です。",
                                    code="already_decided")
        identity = uow.channel_identities.get(record.identity_id)
        if command.link_to is not None:
            resident = uow.residents.get(command.link_to)
            if resident is None:
                raise NotFound("住民が見つかりません。")
            record.link(resident.id, outcome=record.outcome, by=command.staff_id, at=now)
            resident.verify(record.facts, Verification(
                subject=record.subject, provider=record.provider, assurance=record.assurance,
                verified_at=record.verified_at))
            if identity is not None:
                identity.link(resident.id)
            text = LINKED_MESSAGE
        else:
            record.reject(by=command.staff_id, at=now, reason=command.reason)
            text = REJECTED_MESSAGE
        if identity is not None:
            uow.outbox.add(OutboxMessage(
                id=ids.new_id(), channel=identity.channel, recipient=identity.address,
                payload={"messages": messages_to_json([OutgoingMessage(text=text)])},
                created_at=now))
        if audit is not None:
            uow.audit.append(audit, at=now)
        uow.commit()
    return record

