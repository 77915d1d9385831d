"""Staff (or an integrator) look at verifications held for review: the card's facts beside the
registry people they might be. Personal data: each look is audited in the transaction that
reads it."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import NotFound
from domain.residents import Resident
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["VerificationFile", "list_verifications", "view_verification"]

LIMIT = 200


@frozen
class VerificationFile:
    verification: IdentityVerification
    candidates: Sequence[Resident] = field(converter=tuple)  # in the order the match gave


def _files(verifications: Sequence[IdentityVerification],
           uow: UnitOfWork) -> list[VerificationFile]:
    people = uow.residents.by_ids(sorted({c for v in verifications for c in v.candidate_ids}))
    return [VerificationFile(v, [people[c] for c in v.candidate_ids if c in people])
            for v in verifications]


def view_verification(verification_id: str, *, actor: Actor, uow: UnitOfWork,
                      clock: Clock) -> VerificationFile:
    actor.ensure(Permission.REVIEW_VERIFICATIONS, "本人確認を閲覧")
    with uow:
        verification = uow.verifications.get(verification_id)
        if verification is None:
            raise NotFound("本人確認の記録が見つかりません。")
        [found] = _files([verification], uow)
        record(uow, actor, "verification.view", "verification", verification.id,
               at=clock.now(), candidates=len(found.candidates))
        uow.commit()
    return found


def list_verifications(status: VerificationStatus, *, actor: Actor, uow: UnitOfWork,
                       clock: Clock) -> list[VerificationFile]:
    """Verifications in `status`, each with its candidates (for an integrator's review)."""
    actor.ensure(Permission.REVIEW_VERIFICATIONS, "本人確認を閲覧")
    with uow:
        found = _files(list(uow.queries.residents.verifications(status, limit=LIMIT)), uow)
        record(uow, actor, "verification.list", "verification", at=clock.now(),
               shown=len(found), status=status.value)
        uow.commit()
    return found
