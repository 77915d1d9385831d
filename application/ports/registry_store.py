"""The registry import's bulk reads and writes (ADR 0063): a batch of thousands of persons read
with one query and written with one statement per table, in the unit of work's transaction.
Implemented with SQLAlchemy Core in `adapters/persistence/repositories/registry_store.py`
(`insert … on conflict … do update` on SQLite and PostgreSQL); `tests/fakes.py` has the
in-memory one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Protocol

from attrs import frozen

from domain.residents import (
    MatchKeys,
    PersonalFacts,
    RegistryStatus,
    Resident,
    VerificationState,
)

__all__ = ["FactsParts", "RegistryHousehold", "RegistryPerson", "RegistryProfile",
           "RegistryStore", "SealedFacts", "StoredPerson", "plain_facts"]

# A person's facts as plain values (ADR 0083): name, kana, address, postal code, date of birth
# as an ordinal, sex.
FactsParts = tuple[str, str | None, str, str | None, int, str]
# A person already known, as plain values to compare with a prepared row: id, household
# number, status, the facts' parts (None without facts) and the four match keys (person, place,
# reading, name and place).
StoredPerson = tuple[str, str | None, RegistryStatus, FactsParts | None,
                     tuple[str | None, str | None, str | None, str | None]]


@frozen
class SealedFacts:
    """A person's facts as the store keeps them (encrypted), sealed by `RegistryStore.sealer`
    where the row was prepared, in another process (ADR 0080)."""

    token: str


def plain_facts(facts: PersonalFacts) -> FactsParts:
    """The facts' parts as `StoredPerson` and a prepared row hold them."""
    return (facts.name.name, facts.name.kana, facts.address.text, facts.address.postal_code,
            facts.date_of_birth.value.toordinal(), facts.sex.value)


@frozen
class RegistryPerson:
    """A registry person as the import writes them (a `residents` row). `created_at` is kept
    as it was for a person already there; the card verification record is never touched."""

    id: str
    resident_number: str
    household_number: str
    registry_status: RegistryStatus
    verification_state: VerificationState
    reverify_reason: str | None
    facts: PersonalFacts | SealedFacts
    match_keys: MatchKeys
    created_at: dt.datetime
    # False: the import left the verification as it was, so it is not written back (a card
    # verification committed while the batch was being written stays)
    verification_changed: bool = True

    @classmethod
    def of(cls, resident: Resident, *, at: dt.datetime,
           verification_changed: bool = True) -> RegistryPerson:
        """What a person already there becomes once the domain applied the extract."""
        assert resident.resident_number and resident.household_number is not None
        assert resident.facts is not None and resident.match_keys is not None
        return cls(id=resident.id, resident_number=resident.resident_number,
                   household_number=resident.household_number,
                   registry_status=resident.registry_status,
                   verification_state=resident.verification_state,
                   reverify_reason=resident.reverify_reason, facts=resident.facts,
                   match_keys=resident.match_keys, created_at=resident.created_at or at,
                   verification_changed=verification_changed)


@frozen
class RegistryProfile:
    """A resident's segments' attributes (ADR 0056) with their household as the import leaves
    it: the household's id and how many registry residents it has (None and 0 outside one)."""

    resident_id: str
    area: str
    birth_month: int | None
    sex: str | None
    household_id: str | None
    household_size: int


@frozen
class RegistryHousehold:
    """A household and its members as (resident id, 続柄), the head first as 世帯主."""

    id: str
    household_number: str
    head_resident_id: str
    members: tuple[tuple[str, str], ...]


class RegistryStore(Protocol):
    def sealer(self) -> Callable[[PersonalFacts], PersonalFacts | SealedFacts]:
        """How `save_persons` may be given a new person's facts already sealed: a function
        that another process can run (it pickles). A store that keeps facts as they are
        returns them unchanged."""
        ...

    def defer_key_indexes(self) -> bool:
        """When no person is stored yet (a town's first import), sets aside the indexes of the
        persons' match keys, which a file fills in no order, until `build_key_index` builds
        them (ADR 0085); whether it did. A store without such indexes returns False."""
        ...

    def build_key_index(self) -> bool:
        """Builds one of the match keys' indexes that is missing (set aside, or left so by an
        import that was stopped); whether one was. One a transaction: each takes seconds on a
        large town."""
        ...

    def stored(self, resident_numbers: Sequence[str]) -> dict[str, StoredPerson]:
        """The persons already known under these resident numbers (one query), keyed by
        resident number, as plain values: a person the extract leaves unchanged is known as
        such without a domain object (a nightly extract is mostly such persons)."""
        ...

    def residents(self, resident_numbers: Sequence[str]) -> dict[str, Resident]:
        """The persons already known under these resident numbers (one query), keyed by
        resident number: copies to compare and change, saved back with `save_persons`."""
        ...

    def save_persons(self, persons: Sequence[RegistryPerson]) -> None:
        """Insert new persons and update known ones (by resident number), one statement."""
        ...

    def save_profiles(self, profiles: Sequence[RegistryProfile]) -> None:
        """Insert or replace these residents' profiles, household included."""
        ...

    def households(self, household_numbers: Sequence[str]) -> dict[str, RegistryHousehold]:
        """The households already known under these numbers, with their members."""
        ...

    def memberships(self, resident_ids: Iterable[str]) -> dict[str, str]:
        """resident id → the id of the household they are a member of, for those who are."""
        ...

    def save_households(self, households: Sequence[RegistryHousehold], *,
                        created: Collection[str] = ()) -> None:
        """Insert or replace these households and their members (a member of another
        household leaves it: one household a person). `created`: ids of households made since
        they were last read, which have no members yet (none to take out)."""
        ...

    def leave_households(self, memberships: Mapping[str, str]) -> None:
        """Remove these members (resident id → household id) from their households."""
        ...

    def remove_from_registry(self, resident_numbers: Sequence[str]) -> list[str]:
        """Mark these persons removed (台帳から削除, never deleted) unless they already are;
        returns the ids of those it marked."""
        ...
