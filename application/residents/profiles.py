"""Segments' attributes of a registry resident (ADR 0056), derived from the encrypted facts:
the 町丁目 / 大字 of the address, the month of birth and the sex. Written in the same
transaction as the registry import; `refresh_profiles` rebuilds them all (a database imported
before profiles existed: `madoguchi segments refresh-profiles`)."""

from __future__ import annotations

from collections.abc import Callable

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.resident_profiles import ResidentProfile
from application.ports.unit_of_work import UnitOfWork
from application.residents.areas import area_of
from domain.residents import PersonalFacts, Resident
from domain.segments import month_index

__all__ = ["profile_fields", "profile_of", "refresh_profiles"]


def profile_fields(facts: PersonalFacts, *, town: str = "") -> tuple[str, int, str]:
    """(area, birth month, sex) of these facts: what a profile holds besides the household."""
    born = facts.date_of_birth.value
    return (area_of(facts.address.text, town=town), month_index(born.year, born.month),
            facts.sex.value)


def profile_of(resident: Resident, *, town: str = "") -> ResidentProfile | None:
    """None for a resident without facts (nothing to derive)."""
    if resident.facts is None:
        return None
    area, birth_month, sex = profile_fields(resident.facts, town=town)
    return ResidentProfile(resident_id=resident.id, area=area, birth_month=birth_month, sex=sex)


def refresh_profiles(*, actor: Actor, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                     town: str = "", batch_size: int = 1000) -> int:
    """Rebuild every resident's profile, a batch per transaction; returns how many were
    written (audited once at the end, with the count). Idempotent: run it again and the
    profiles are the same."""
    written = 0
    after = ""
    while True:
        with uow_factory() as uow:
            ids = list(uow.resident_profiles.resident_ids(after=after, limit=batch_size))
            if not ids:
                record(uow, actor, "registry.profiles_refresh", at=clock.now(), count=written)
                uow.commit()
                return written
            found = uow.residents.by_ids(ids)
            profiles = [profile for resident_id in ids if resident_id in found
                        and (profile := profile_of(found[resident_id], town=town)) is not None]
            uow.resident_profiles.save(profiles)
            uow.resident_profiles.refresh_households(resident_ids=ids, household_ids=())
            uow.commit()
        written += len(profiles)
        after = ids[-1]
