"""Staff look at a resident (住民の閲覧): the person, their household, the channels the town
reaches them on, their household's applications and what the town sent them. Personal data:
the look is audited in the transaction that reads it."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.queries import ApplicationLine, MessageLine
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.channels import ChannelIdentity
from domain.errors import NotFound
from domain.households import Household, HouseholdMember
from domain.residents import Resident

__all__ = ["ResidentFile", "view_resident"]


@frozen
class ResidentFile:
    person: Resident
    channels: Sequence[ChannelIdentity] = field(converter=tuple)
    household: Household | None
    members: Sequence[tuple[HouseholdMember, Resident | None]] = field(converter=tuple)
    applications: Sequence[ApplicationLine] = field(converter=tuple)
    messages: Sequence[MessageLine] = field(converter=tuple)


def view_resident(resident_id: str, *, actor: Actor, uow: UnitOfWork,
                  clock: Clock) -> ResidentFile:
    actor.ensure(Permission.VIEW_RESIDENTS, "住民を閲覧")
    with uow:
        person = uow.residents.get(resident_id)
        if person is None:
            raise NotFound("住民が見つかりません。", code="resident_not_found")
        channels = list(uow.channel_identities.linked_to(person.id))
        household = (uow.households.get_by_number(person.household_number)
                     if person.household_number else None)
        members: list[tuple[HouseholdMember, Resident | None]] = []
        if household is not None:
            people = uow.residents.by_ids([m.resident_id for m in household.members])
            members = [(m, people.get(m.resident_id)) for m in household.members]
        applications = (uow.queries.benefits.household_applications(person.household_number)
                        if person.household_number else [])
        messages = uow.queries.messages.messages_to([(c.channel, c.address) for c in channels])
        record(uow, actor, "resident.view", "resident", person.id, at=clock.now())
        uow.commit()
    return ResidentFile(person=person, channels=channels, household=household, members=members,
                        applications=applications, messages=messages)
