"""A resident comes back from verifying with the card: keep the record, match it to the
registry, link when exactly one person matches on every fact, otherwise hold it for staff. One
transaction; the resident is told the result on their channel either way
(`handlers.VerificationNotice`)."""

from __future__ import annotations

from collections.abc import Sequence

from application.ports.clock import IdGenerator
from application.ports.identity import VerifiedIdentity
from application.ports.matching import MatchKeyer
from application.ports.unit_of_work import UnitOfWork
from application.residents.matching import MORE, NOT_LIVING, Candidate, MatchDecision, decide
from domain.channels import ChannelIdentity
from domain.errors import NotFound
from domain.residents import PersonalFacts, RegistryStatus, Resident, Verification
from domain.verifications import IdentityVerification, MatchOutcome

__all__ = ["register_verification"]


def candidate_of(resident: Resident) -> Candidate:
    assert resident.match_keys is not None
    return Candidate(resident_id=resident.id, keys=resident.match_keys,
                     living=resident.registry_status is RegistryStatus.RESIDENT)


def register_verification(verified: VerifiedIdentity, *, uow: UnitOfWork, ids: IdGenerator,
                          keyer: MatchKeyer) -> IdentityVerification:
    keys = keyer.keys_for(verified.facts)
    with uow:
        identity = uow.channel_identities.get(verified.identity_id)
        if identity is None:
            raise NotFound("この本人確認を始めたLINEのアカウントが見つかりません。")
        record = IdentityVerification(
            id=ids.new_id(), identity_id=identity.id, provider=verified.provider,
            subject=verified.subject, assurance=verified.assurance,
            verified_at=verified.verified_at, facts=verified.facts, match_keys=keys)
        found = uow.residents.candidates(
            persons=[keys.person], places=[keys.place],
            readings=[keys.reading] if keys.reading else [],
            name_places=[keys.name_place] if keys.name_place else [])
        candidates = [candidate_of(r) for r in found if r.match_keys is not None]
        decision = decide(
            keys,
            by_person=[c for c in candidates if c.keys.person == keys.person],
            by_place=[c for c in candidates if c.keys.place == keys.place],
            by_reading=[c for c in candidates if keys.reading and c.keys.reading == keys.reading],
            by_name_place=[c for c in candidates
                           if keys.name_place and c.keys.name_place == keys.name_place],
        )
        conflict = _conflict(uow, identity, decision.resident_id)
        if conflict:
            record.hold_for_review(outcome=MatchOutcome.NEAR, reason=conflict,
                                   candidate_ids=list(decision.candidate_ids))
        elif decision.outcome is MatchOutcome.EXACT and decision.resident_id is not None:
            resident = next(r for r in found if r.id == decision.resident_id)
            resident.verify(verified.facts, Verification(
                subject=verified.subject, provider=verified.provider,
                assurance=verified.assurance, verified_at=verified.verified_at))
            record.candidate_ids = list(decision.candidate_ids)
            record.link(resident.id, outcome=MatchOutcome.EXACT)
            identity.link(resident.id)
        else:
            record.hold_for_review(outcome=decision.outcome,
                                   reason=_reason(decision, found, verified.facts, keyer),
                                   candidate_ids=list(decision.candidate_ids))
        uow.verifications.add(record)
        uow.commit()
    return record


def _reason(decision: MatchDecision, found: Sequence[Resident], card: PersonalFacts,
            keyer: MatchKeyer) -> str:
    """Why it waits, naming exactly the facts that differ from the strongest candidate's
    (the keys alone cannot tell a date of birth from a sex)."""
    if decision.outcome is not MatchOutcome.NEAR or decision.reason == NOT_LIVING:
        return decision.reason
    strongest = next((r for r in found if r.id == decision.candidate_ids[0]), None)
    if strongest is None or strongest.facts is None:
        return decision.reason
    reason = keyer.compare(card, strongest.facts).describe()
    count = len(decision.candidate_ids)
    return reason + (MORE.format(count=count) if count > 1 else "")


def _conflict(uow: UnitOfWork, identity: ChannelIdentity, resident_id: str | None) -> str:
    """Why an exact match must still not be linked by itself: this account already stands for
    someone else, or that person already verified from another account (a forwarded link)."""
    if resident_id is None:
        return ""
    if identity.resident_id is not None and identity.resident_id != resident_id:
        return "このLINEアカウントは、すでに別の住民と照合されています。"
    # Contacts the resident added and verified by a code (a phone, an e-mail address: ADR
    # 0041) are theirs too: only another account on the same channel is a conflict.
    if any(other.id != identity.id and other.channel == identity.channel
           for other in uow.channel_identities.linked_to(resident_id)):
        return "この住民は、すでに別のLINEアカウントで本人確認を済ませています。"
    return ""
