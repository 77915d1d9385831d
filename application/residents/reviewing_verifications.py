"""Staff (or an integrator) look at verifications held for review: the card's facts beside the
registry people they might be. Personal data: each look is audited in the transaction that
reads it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.matching import MatchKeyer
from application.ports.unit_of_work import UnitOfWork
from application.residents.comparing import FactComparison
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
    # fact by fact, the card against each candidate (same order; empty when not asked for)
    comparisons: Sequence[FactComparison | None] = field(converter=tuple, default=())


def _files(verifications: Sequence[IdentityVerification], uow: UnitOfWork,
           keyer: MatchKeyer | None) -> list[VerificationFile]:
    """Each verification with its candidates; given the keyer, each candidate compared with
    the card fact by fact (what a clerk needs to spot a mistyped date of birth)."""
    people = uow.residents.by_ids(sorted({c for v in verifications for c in v.candidate_ids}))
    files = []
    for v in verifications:
        shown = [people[c] for c in v.candidate_ids if c in people]
        compared = [keyer.compare(v.facts, p.facts) if p.facts else None
                    for p in shown] if keyer is not None else []
        files.append(VerificationFile(v, shown, compared))
    return files


def view_verification(verification_id: str, *, actor: Actor, uow: UnitOfWork,
                      clock: Clock, keyer: MatchKeyer | None = None) -> VerificationFile:
    actor.ensure(Permission.REVIEW_VERIFICATIONS, "本人確認を閲覧")
    with uow:
        verification = uow.verifications.get(verification_id)
        if verification is None:
            raise NotFound("本人確認の記録が見つかりません。")
        [found] = _files([verification], uow, keyer)
        record(uow, actor, "verification.view", "verification", verification.id,
               at=clock.now(), candidates=len(found.candidates))
        uow.commit()
    return found


def list_verifications(status: VerificationStatus, *, actor: Actor, uow: UnitOfWork,
                       clock: Clock, keyer: MatchKeyer | None = None, limit: int = LIMIT,
                       after: tuple[dt.datetime, str] | None = None) -> list[VerificationFile]:
    """Verifications in `status`, the oldest first (after the one whose (verified_at, id) is
    `after`: the API's next page), each with its candidates (for an integrator's review)."""
    actor.ensure(Permission.REVIEW_VERIFICATIONS, "本人確認を閲覧")
    with uow:
        found = _files(list(uow.queries.residents.verifications(status, limit=limit,
                                                                  after=after)), uow, keyer)
        record(uow, actor, "verification.list", "verification", at=clock.now(),
               shown=len(found), status=status.value)
        uow.commit()
    return found
