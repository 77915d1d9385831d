"""Repositories of residents, households and identity verifications."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select

from adapters.persistence.many import one_of
from adapters.persistence.orm.residents import households, residents
from adapters.persistence.repositories.base import SqlRepository
from domain.households import Household, HouseholdHead
from domain.residents import RegistryStatus, Resident
from domain.verifications import IdentityVerification

__all__ = ["SqlHouseholdRepository", "SqlResidentRepository", "SqlVerificationRepository"]


class SqlResidentRepository(SqlRepository):
    model = Resident

    def get_by_resident_number(self, resident_number: str) -> Resident | None:
        return self._one(Resident.resident_number == resident_number)

    def by_ids(self, resident_ids: Sequence[str]) -> dict[str, Resident]:
        found = self.session.scalars(
            select(Resident).where(Resident.id.in_(list(resident_ids)))).all()
        self.tracked.update(found)
        return {resident.id: resident for resident in found}

    def household_numbers(self, resident_numbers: Sequence[str]) -> dict[str, str]:
        if not resident_numbers:
            return {}
        rows = self.session.execute(
            select(residents.c.resident_number, residents.c.household_number)
            .where(residents.c.resident_number.in_(list(resident_numbers)),
                   residents.c.household_number.is_not(None))).all()
        return dict(rows)  # type: ignore[arg-type]

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Resident]:
        found = self.session.scalars(
            select(Resident).where(Resident.resident_number.in_(list(numbers)))).all()
        self.tracked.update(found)
        return {resident.resident_number: resident for resident in found}

    def numbers_in_registry(self) -> Iterable[str]:
        """Resident numbers of everyone the registry still lists (not marked removed)."""
        return self.session.scalars(
            select(Resident.resident_number).where(
                Resident.resident_number.is_not(None),
                Resident.registry_status != RegistryStatus.REMOVED)).all()

    def candidates(self, *, persons: Sequence[str], places: Sequence[str],
                   readings: Sequence[str],
                   name_places: Sequence[str] = ()) -> Sequence[Resident]:
        """Registry people sharing any of these match keys (indexed columns, one query)."""
        criteria = []
        if persons:
            criteria.append(Resident.match_person.in_(list(persons)))
        if places:
            criteria.append(Resident.match_place.in_(list(places)))
        if readings:
            criteria.append(Resident.match_reading.in_(list(readings)))
        if name_places:
            criteria.append(Resident.match_name_place.in_(list(name_places)))
        if not criteria:
            return []
        found = self.session.scalars(select(Resident).where(or_(*criteria))).all()
        self.tracked.update(found)
        return found


class SqlHouseholdRepository(SqlRepository):
    model = Household

    def get_by_number(self, household_number: str) -> Household | None:
        return self._one(Household.household_number == household_number)

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Household]:
        found = self.session.scalars(
            select(Household).where(Household.household_number.in_(list(numbers)))).all()
        self.tracked.update(found)
        return {household.household_number: household for household in found}

    def heads(self, household_ids: Sequence[str]) -> dict[str, HouseholdHead]:
        if not household_ids:
            return {}
        rows = self.session.execute(
            select(households.c.id, households.c.household_number,
                   households.c.head_resident_id)
            .where(one_of(self.session, households.c.id, household_ids))).all()
        return {row.id: HouseholdHead(row.id, row.household_number, row.head_resident_id)
                for row in rows}

    def ids_by_numbers(self, numbers: Sequence[str]) -> dict[str, str]:
        if not numbers:
            return {}
        rows = self.session.execute(
            select(households.c.household_number, households.c.id)
            .where(households.c.household_number.in_(list(numbers)))).all()
        return dict(rows)  # type: ignore[arg-type]

    def by_ids(self, household_ids: Sequence[str]) -> dict[str, Household]:
        found = self.session.scalars(
            select(Household).where(Household.id.in_(list(household_ids)))).all()
        self.tracked.update(found)
        return {household.id: household for household in found}


class SqlVerificationRepository(SqlRepository):
    model = IdentityVerification
