"""What staff pages show about verifications and residents without personal data: the review
queue (outcomes and reasons, counts by status), and the development card page's test people
(synthetic demo residents only)."""

from __future__ import annotations

from attrs import field, frozen

from application.ports.unit_of_work import UnitOfWork
from domain.residents import PersonalFacts
from domain.verifications import IdentityVerification, VerificationStatus

__all__ = ["TestPerson", "VerificationQueue", "people_to_notify", "test_people",
           "verification_queue"]

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


@frozen
class TestPerson:
    facts: PersonalFacts
    household_number: str
    account_on_file: str = ""  # masked (＊＊＊＊123) when an earlier transfer left one


def people_to_notify(program_name: str, count: int, *, prefix: str,
                     uow: UnitOfWork) -> list[TestPerson]:
    """For the benefit story on the development card page: heads not yet verified of
    households on the program's list that were neither notified nor applied, those with an
    account on file (from an earlier paid transfer) first, then those without (about half
    each when there are enough of both)."""
    with uow:
        program = uow.programs.get_by_name(program_name)
        if program is None:
            return []
        heads = uow.queries.residents.heads_to_notify(program.id, count * 10, prefix=prefix)
        accounts = uow.applications.paid_accounts([household_id for _, household_id in heads])
    people = [TestPerson(resident.facts, resident.household_number or "",
                         accounts[household_id].masked() if household_id in accounts else "")
              for resident, household_id in heads if resident.facts is not None]
    with_account = [p for p in people if p.account_on_file]
    without = [p for p in people if not p.account_on_file]
    first = with_account[:max(count - len(without), (count + 1) // 2)]
    return [*first, *without][:count]
