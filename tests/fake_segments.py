"""Segments in memory (`application/ports/segment_queries.py`): the condition evaluated in
Python over a fake unit of work's tables, with SQL's three-valued logic (None: unknown), so
unit tests see what the database answers. Interests and 自治会 members are read from the tables
`interest_subscriptions` and `association_members` when a test keeps them (objects with
`identity_id` / `interest_key`, `association_id` / `resident_id` / `identity_id`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.ports.segment_queries import SegmentMember
from application.residents.profiles import profile_of
from domain.channels import LADDER_CHANNELS, IdentityStatus
from domain.residents import RegistryStatus
from domain.segments import (
    Age,
    All,
    AnyOf,
    AppliedTo,
    Area,
    Condition,
    EligibleFor,
    HasChannel,
    HouseholdMember,
    HouseholdSize,
    Interest,
    MemberOf,
    Not,
    SexIs,
    Verified,
)

__all__ = ["FakeSegmentQueries"]


def _and(values: Sequence[bool | None]) -> bool | None:
    if any(value is False for value in values):
        return False
    return None if any(value is None for value in values) else True


def _or(values: Sequence[bool | None]) -> bool | None:
    if any(value is True for value in values):
        return True
    return None if any(value is None for value in values) else False


def _within(value: int | None, low: int | None, high: int | None) -> bool | None:
    if value is None:
        return None
    return (low is None or value >= low) and (high is None or value <= high)


class FakeSegmentQueries:
    def __init__(self, tables: dict[str, dict[str, Any]]) -> None:
        self.tables = tables

    def _rows(self, name: str) -> list[Any]:
        return list(self.tables.get(name, {}).values())

    def _people(self) -> list[tuple[str, Any]]:
        people: list[tuple[str, Any]] = [
            (f"i:{identity.id}", identity) for identity in self._rows("channel_identities")
            if identity.resident_id is None and identity.channel in LADDER_CHANNELS
            and identity.status is IdentityStatus.FOLLOWING]
        people += [(f"r:{resident.id}", resident) for resident in self._rows("residents")
                   if resident.registry_status is RegistryStatus.RESIDENT]
        return sorted(people, key=lambda person: person[0])

    def _household(self, resident_id: str) -> Any:
        return next((household for household in self._rows("households")
                     if resident_id in household.member_ids), None)

    def _in_registry(self, household: Any) -> list[str]:
        """The household's members still in the registry (those who left it are not counted)."""
        found = []
        for resident_id in household.member_ids:
            resident = self.tables["residents"].get(resident_id)
            if resident is not None and resident.registry_status is RegistryStatus.RESIDENT:
                found.append(resident_id)
        return found

    def _birth_month(self, resident_id: str) -> int | None:
        resident = self.tables["residents"].get(resident_id)
        profile = None if resident is None else profile_of(resident)
        return None if profile is None else profile.birth_month

    def _identities(self, key: str, person: Any) -> list[Any]:
        if key.startswith("i:"):
            return [person]
        return [i for i in self._rows("channel_identities") if i.resident_id == person.id]

    def _test(self, condition: Condition, key: str, person: Any) -> bool | None:
        match condition:
            case All(parts):
                return _and([self._test(part, key, person) for part in parts])
            case AnyOf(parts):
                return _or([self._test(part, key, person) for part in parts])
            case Not(part):
                value = self._test(part, key, person)
                return None if value is None else not value
        identities = self._identities(key, person)
        identity_ids = {identity.id for identity in identities}
        match condition:
            case HasChannel(channel):
                return any(i.channel == channel and i.status is IdentityStatus.FOLLOWING
                           for i in identities)
            case Interest(wanted):
                return any(s.interest_key == wanted and s.identity_id in identity_ids
                           for s in self._rows("interest_subscriptions"))
            case MemberOf(association_id):
                return any(m.association_id == association_id
                           and ((key.startswith("r:") and m.resident_id == person.id)
                                or m.identity_id in identity_ids)
                           for m in self._rows("association_members"))
            case Verified(value):
                verified = key.startswith("r:") and person.is_verified
                return verified == value
        if key.startswith("i:"):
            return None  # the registry does not know them
        return self._registry(condition, person)

    def _registry(self, condition: Condition, resident: Any) -> bool | None:
        profile = profile_of(resident)
        household = self._household(resident.id)
        match condition:
            case Area(areas):
                return None if profile is None else profile.area in areas
            case Age() as age:
                return _within(None if profile is None else profile.birth_month,
                               *age.birth_months())
            case SexIs(sex):
                return None if profile is None else profile.sex == sex
            case HouseholdSize(low, high):
                return _within(0 if household is None else len(self._in_registry(household)),
                               low, high)
            case HouseholdMember() as member:
                low, high = member.birth_months()
                return household is not None and any(
                    _within(self._birth_month(resident_id), low, high)
                    for resident_id in self._in_registry(household))
            case EligibleFor(program_id):
                return household is not None and any(
                    e.program_id == program_id and e.household_id == household.id
                    for e in self._rows("eligibility"))
            case AppliedTo(program_id):
                return household is not None and any(
                    a.program_id == program_id and a.household_id == household.id
                    for a in self._rows("applications"))
        raise TypeError(f"not a condition: {condition!r}")

    def count(self, condition: Condition) -> int:
        return sum(1 for key, person in self._people() if self._test(condition, key, person))

    def members(self, condition: Condition, *, after: str | None, limit: int
                ) -> list[SegmentMember]:
        found = []
        for key, person in self._people():
            if (after is None or key > after) and self._test(condition, key, person):
                is_resident = key.startswith("r:")
                found.append(SegmentMember(key=key,
                                           resident_id=person.id if is_resident else None,
                                           identity_id=None if is_resident else person.id))
                if len(found) == limit:
                    break
        return found

    def areas(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for resident in self._rows("residents"):
            profile = profile_of(resident)
            if (resident.registry_status is RegistryStatus.RESIDENT and profile is not None
                    and profile.area):
                counts[profile.area] = counts.get(profile.area, 0) + 1
        return sorted(counts.items())

    def associations(self) -> list[tuple[str, str]]:
        return sorted(((a.id, a.name) for a in self._rows("associations")),
                      key=lambda pair: pair[1])
