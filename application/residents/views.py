"""What staff pages show about verifications and residents without personal data: the review
queue (outcomes and reasons, counts by status), and the development card page's test people
(synthetic demo residents only)."""

from __future__ import annotations

from attrs import field, frozen

from application.ports.unit_of_work import UnitOfWork
from domain.residents import PersonalFacts
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["VerificationQueue", "test_people", "verification_queue"]

QUEUE_LIMIT = 200


@frozen
class VerificationQueue:
    verifications: tuple[IdentityVerification, ...] = field(converter=tuple)
    counts: dict[VerificationStatus, int] = field(factory=dict)


def verification_queue(status: VerificationStatus, *, uow: UnitOfWork) -> VerificationQueue:
    with uow:
        return VerificationQueue(uow.queries.residents.verifications(status, limit=QUEUE_LIMIT),
                                 uow.queries.residents.verification_counts())


def test_people(count: int, *, prefix: str, uow: UnitOfWork) -> list[PersonalFacts]:
    """The facts of the first residents whose numbers start with `prefix` (the demo registry's;
    a real registry's never do), to fill the development card page in one tap."""
    with uow:
        return [r.facts for r in uow.queries.residents.first_residents(count, prefix=prefix)
                if r.facts is not None]
