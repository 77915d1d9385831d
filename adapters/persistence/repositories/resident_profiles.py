"""Segments' attributes of registry residents (`resident_profiles`, ADR 0056), in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from adapters.persistence.orm.residents import household_members, residents
from adapters.persistence.orm.segments import resident_profiles
from application.ports.resident_profiles import ResidentProfile

__all__ = ["SqlResidentProfileRepository"]

_CHUNK = 500  # ids per IN list (well under SQLite's bound parameters)


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
        residents_now = list(resident_ids)
        households_now = set(household_ids)
        for start in range(0, len(residents_now), _CHUNK):
            chunk = residents_now[start:start + _CHUNK]
            households_now.update(self.session.scalars(
                select(household_members.c.household_id)
                .where(household_members.c.resident_id.in_(chunk))))
            households_now.update(self.session.scalars(
                select(resident_profiles.c.household_id)
                .where(resident_profiles.c.resident_id.in_(chunk),
                       resident_profiles.c.household_id.is_not(None))))
        current = (select(household_members.c.household_id)
                   .where(household_members.c.resident_id == resident_profiles.c.resident_id)
                   .correlate_except(household_members).scalar_subquery())
        others = household_members.alias("others")
        size = (select(func.count()).select_from(others)
                .where(others.c.household_id == current).scalar_subquery())
        households_list = sorted(households_now)
        for start in range(0, max(len(residents_now), len(households_list)), _CHUNK):
            some_residents = residents_now[start:start + _CHUNK]
            some_households = households_list[start:start + _CHUNK]
            self.session.execute(
                update(resident_profiles)
                .where(or_(resident_profiles.c.resident_id.in_(some_residents),
                           resident_profiles.c.household_id.in_(some_households),
                           resident_profiles.c.resident_id.in_(
                               select(household_members.c.resident_id)
                               .where(household_members.c.household_id.in_(some_households)))))
                .values(household_id=current, household_size=size)
                .execution_options(synchronize_session=False))

    def resident_ids(self, *, after: str, limit: int) -> Sequence[str]:
        return list(self.session.scalars(
            select(residents.c.id).where(residents.c.id > after)
            .order_by(residents.c.id).limit(limit)))
