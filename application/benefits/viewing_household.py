"""An integrator (or staff) looks up a household by its 世帯番号: how many people the registry
lists in it and its applications to the town's benefits. Who applied for what is personal data,
so the look is audited in the transaction that reads it; the members themselves (names, 宛名番号)
only to those who may see residents."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.benefits.applicants import Applicant, applicants
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import Application
from domain.errors import InvalidValue, NotFound

__all__ = ["HouseholdFile", "HouseholdMemberShown", "household_numbers", "view_household"]


@frozen
class HouseholdMemberShown:
    relationship: str
    person: Applicant | None  # None when the registry no longer holds them


@frozen
class HouseholdFile:
    household_number: str
    member_count: int
    applications: Sequence[Application] = field(converter=tuple)
    members: Sequence[HouseholdMemberShown] | None = None  # only to those who may see residents


def view_household(household_number: str, *, actor: Actor, uow: UnitOfWork,
                   clock: Clock) -> HouseholdFile:
    actor.ensure(Permission.HANDLE_APPLICATIONS, "世帯を閲覧")
    number = household_number.strip()
    if not number or len(number) > 32:
        raise InvalidValue("世帯番号を32文字以内で指定してください。")
    with_people = actor.may(Permission.VIEW_RESIDENTS)
    with uow:
        household = uow.households.get_by_number(number)
        if household is None:
            raise NotFound("その世帯番号の世帯が見つかりません。", code="no_household")
        found = sorted(uow.applications.of_household(household.id),
                       key=lambda a: (a.program_id, a.id))
        members = None
        if with_people:
            people = applicants(uow, household.member_ids)
            members = [HouseholdMemberShown(m.relationship, people.get(m.resident_id))
                       for m in household.members]
        record(uow, actor, "household.view", "household", household.id, at=clock.now(),
               shown=len(found), with_members=with_people)
        uow.commit()
    return HouseholdFile(household.household_number, len(household.members), found, members)


def household_numbers(household_ids: Sequence[str], *, uow: UnitOfWork) -> dict[str, str]:
    """Household id → 世帯番号 (the registry's number integrators know households by)."""
    with uow:
        return {h.id: h.household_number
                for h in uow.households.by_ids(list(dict.fromkeys(household_ids))).values()}
