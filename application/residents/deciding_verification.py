"""Staff decide a verification held for review: link it to one of the registry people shown
side by side, or reject it. The decision is audited with it; the resident is told on their
channel (`handlers.VerificationNotice`)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.channels import ChannelIdentity
from domain.errors import IllegalTransition, InvalidValue, NotFound
from domain.residents import Verification
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["DecideVerification", "decide_verification"]


@frozen
class DecideVerification:
    verification_id: str
    actor: Actor
    link_to: str | None = None  # a resident id among the candidates; None = reject
    reason: str = ""


def decide_verification(command: DecideVerification, *, uow: UnitOfWork,
                        clock: Clock) -> IdentityVerification:
    command.actor.ensure(Permission.REVIEW_VERIFICATIONS, "本人確認を照合")
    now, by = clock.now(), command.actor.id
    with uow:
        verification = uow.verifications.get(command.verification_id)
        if verification is None:
            raise NotFound("本人確認の記録が見つかりません。")
        if verification.status not in (VerificationStatus.REVIEW, VerificationStatus.UNMATCHED):
            raise IllegalTransition(f"この本人確認は「{verification.status.label}」です。",
                                    code="already_decided")
        identity = uow.channel_identities.get(verification.identity_id)
        if command.link_to is not None:
            if command.link_to not in verification.candidate_ids:
                raise InvalidValue("候補にない住民とは照合できません。", code="not_a_candidate")
            resident = uow.residents.get(command.link_to)
            if resident is None:
                raise NotFound("住民が見つかりません。")
            _ensure_free(uow, identity, resident.id)
            verification.link(resident.id, outcome=verification.outcome, by=by, at=now)
            resident.verify(verification.facts, Verification(
                subject=verification.subject, provider=verification.provider,
                assurance=verification.assurance, verified_at=verification.verified_at))
            if identity is not None:
                identity.link(resident.id)
        else:
            verification.reject(by=by, at=now, reason=command.reason)
        record(uow, command.actor, "verification.decide", "verification", verification.id,
               at=now, status=verification.status.value,
               resident_id=verification.resident_id or "")
        uow.commit()
    return verification


def _ensure_free(uow: UnitOfWork, identity: ChannelIdentity | None, resident_id: str) -> None:
    """One account stands for one resident, and one resident verifies from one account: a
    link that would break either is refused (and nothing changes)."""
    if identity is not None and identity.resident_id not in (None, resident_id):
        raise InvalidValue("この本人確認のアカウントは、すでに別の住民と照合されています。",
                           code="identity_linked_elsewhere")
    others = [i for i in uow.channel_identities.linked_to(resident_id)
              if identity is None or (i.id != identity.id and i.channel == identity.channel)]
    if others:
        raise InvalidValue("この住民は、すでに別のアカウントで本人確認を済ませています。"
                           "本人に確認してから、照合しないか、窓口で対応してください。",
                           code="resident_linked_elsewhere")
