"""Segments' attributes of registry residents (`resident_profiles`, ADR 0056), in SQL."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from adapters.persistence.orm.residents import household_members, residents
from adapters.persistence.orm.segments import resident_profiles
from application.ports.resident_profiles import ResidentProfile
from domain.residents import RegistryStatus

__all__ = ["SqlResidentProfileRepository"]

_CHUNK = 500  # ids per IN list (well under SQLite's bound parameters)


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


class SqlResidentProfileRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def save(self, profiles: Sequence[ResidentProfile]) -> None:
        if not profiles:
            return
        self.session.flush()  # the residents' rows first: a profile refers to its resident
        for start in range(0, len(profiles), _CHUNK):
            chunk = profiles[start:start + _CHUNK]
            ids = [profile.resident_id for profile in chunk]
            kept = {row.resident_id: (row.household_id, row.household_size)
                    for row in self.session.execute(
                        select(resident_profiles.c.resident_id, resident_profiles.c.household_id,
                               resident_profiles.c.household_size)
                        .where(resident_profiles.c.resident_id.in_(ids)))}
            self.session.execute(
                delete(resident_profiles).where(resident_profiles.c.resident_id.in_(ids)))
            self.session.execute(insert(resident_profiles), [
                {"resident_id": p.resident_id, "area": p.area[:64], "birth_month": p.birth_month,
                 "sex": p.sex, "household_id": kept.get(p.resident_id, (None, 0))[0],
                 "household_size": kept.get(p.resident_id, (None, 0))[1]} for p in chunk])

    def refresh_households(self, *, resident_ids: Sequence[str],
                           household_ids: Sequence[str]) -> None:
        self.session.flush()  # this transaction's households and members
        households_now = set(household_ids)
        for chunk in _chunks(list(resident_ids)):
            households_now.update(self.session.scalars(
                select(household_members.c.household_id)
                .where(household_members.c.resident_id.in_(chunk))))
            households_now.update(self.session.scalars(
                select(resident_profiles.c.household_id)
                .where(resident_profiles.c.resident_id.in_(chunk),
                       resident_profiles.c.household_id.is_not(None))))
        # every resident whose household or its size may have changed, read by index first
        # (one OR across the three would scan the table on PostgreSQL)
        touched = set(resident_ids)
        for chunk in _chunks(sorted(households_now)):
            touched.update(self.session.scalars(
                select(household_members.c.resident_id)
                .where(household_members.c.household_id.in_(chunk))))
            touched.update(self.session.scalars(
                select(resident_profiles.c.resident_id)
                .where(resident_profiles.c.household_id.in_(chunk))))
        current = (select(household_members.c.household_id)
                   .where(household_members.c.resident_id == resident_profiles.c.resident_id)
                   .correlate_except(household_members).scalar_subquery())
        others = household_members.alias("others")
        person = residents.alias("other_person")  # members who left the registry not counted
        size = (select(func.count())
                .select_from(others.join(person, person.c.id == others.c.resident_id))
                .where(others.c.household_id == current,
                       person.c.registry_status == RegistryStatus.RESIDENT).scalar_subquery())
        for chunk in _chunks(sorted(touched)):
            self.session.execute(
                update(resident_profiles)
                .where(resident_profiles.c.resident_id.in_(chunk))
                .values(household_id=current, household_size=size)
                .execution_options(synchronize_session=False))

    def resident_ids(self, *, after: str, limit: int) -> Sequence[str]:
        return list(self.session.scalars(
            select(residents.c.id).where(residents.c.id > after)
            .order_by(residents.c.id).limit(limit)))
