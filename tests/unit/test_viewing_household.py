"""A household looked up by its 世帯番号: its member count and applications, the members only
to those who may see residents (a key's scopes included), every look audited."""

from __future__ import annotations

import pytest

from application.access.actor import Actor
from application.benefits.viewing_household import household_numbers, view_household
from domain.access import Permission
from domain.errors import InvalidValue, NotAllowed, NotFound
from domain.staff import Role
from tests import builders as b
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork

pytestmark = pytest.mark.unit

CLOCK = FakeClock()


def _town() -> FakeDatabase:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.residents.add(b.resident(id="r1"))
        household = b.household(id="h1", household_number="H0001", head_resident_id="r1")
        household.add_member("r2", "子")
        uow.households.add(household)
        uow.programs.add(b.program(id="p1"))
        uow.applications.add(b.application(id="a1", household_id="h1"))
        uow.commit()
    return database


def test_a_case_worker_sees_the_count_applications_and_members_and_the_look_is_audited() -> None:
    database = _town()
    file = view_household(" H0001 ", actor=b.actor(role=Role.CASE_WORKER),
                          uow=FakeUnitOfWork(database), clock=CLOCK)
    assert file.household_number == "H0001" and file.member_count == 2
    assert [a.id for a in file.applications] == ["a1"]
    assert file.members is not None and file.members[0].relationship == "世帯主"
    assert file.members[0].person is not None and file.members[1].person is None
    with FakeUnitOfWork(database) as uow:
        [looked] = [r for r in uow.audit.values() if r.action == "household.view"]
    assert looked.target_id == "h1" and looked.detail == {"shown": 1, "with_members": True}


def test_a_key_without_the_residents_scope_gets_no_members() -> None:
    worker = b.actor(role=Role.CASE_WORKER)
    scoped = Actor(id="api:k1", role=Role.CASE_WORKER, party="org:x",
                   scopes=frozenset({Permission.HANDLE_APPLICATIONS}))
    assert worker.may(Permission.VIEW_RESIDENTS) and not scoped.may(Permission.VIEW_RESIDENTS)
    file = view_household("H0001", actor=scoped, uow=FakeUnitOfWork(_town()), clock=CLOCK)
    assert file.members is None and file.member_count == 2


def test_unknown_or_unreadable_numbers_and_roles_without_the_permission_are_refused() -> None:
    database = _town()
    with pytest.raises(NotFound):
        view_household("H9999", actor=b.actor(), uow=FakeUnitOfWork(database), clock=CLOCK)
    with pytest.raises(InvalidValue):
        view_household("H" * 33, actor=b.actor(), uow=FakeUnitOfWork(database), clock=CLOCK)
    with pytest.raises(NotAllowed):
        view_household("H0001", actor=b.actor(role=Role.VIEWER), uow=FakeUnitOfWork(database),
                       clock=CLOCK)
    assert household_numbers(["h1", "h1", "nope"], uow=FakeUnitOfWork(database)) == {
        "h1": "H0001"}
