"""The demo town (`madoguchi demo`) is seeded through the use cases staff use, once however
often it runs, and holds the synthetic people exactly as the generator wrote them."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.banks.bank_calendar import JapaneseBankCalendar
from application.messaging.telling import ContactPolicy, Telling
from application.residents.match_keys import HmacMatchKeyer
from demo.seeding_payments import seed_demo_payments
from demo.seeding_town import (
    DEMO_DEPARTMENTS,
    DEMO_PROGRAM_NAME,
    DEMO_STAFF,
    SeedDemoTown,
    seed_demo_town,
)
from demo.synthetic_town import generate_households
from domain.batches import BatchState
from domain.benefits import ApplicationStatus, ProgramStatus
from domain.interests import DEFAULT_INTERESTS
from domain.residents import RegistryStatus
from domain.staff import Role
from tests.builders import actor
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, PlainHasher, SequentialIds

pytestmark = pytest.mark.unit

ADMIN = actor(id="admin-1", role=Role.ADMINISTRATOR, label="admin")


@pytest.fixture
def database() -> FakeDatabase:
    return FakeDatabase()


def _seed(database: FakeDatabase, households: int = 12, *, prefix: str = "s",
          progress: Any = None) -> dict[str, Any]:
    return seed_demo_town(SeedDemoTown(actor=ADMIN, households=households),
                          uow_factory=lambda: FakeUnitOfWork(database),
                          ids=SequentialIds(prefix), clock=FakeClock(), hasher=PlainHasher(),
                          keyer=HmacMatchKeyer(b"k" * 32), policy=ContactPolicy(),
                          progress=progress)


def _pay(database: FakeDatabase, *, prefix: str = "p") -> dict[str, Any]:
    ids, clock = SequentialIds(prefix), FakeClock()
    return seed_demo_payments(uow_factory=lambda: FakeUnitOfWork(database), ids=ids,
                              clock=clock, calendar=JapaneseBankCalendar(),
                              telling=Telling(ContactPolicy(), ids, clock))


def test_the_demo_town_is_seeded_once_however_often_it_runs(database: FakeDatabase) -> None:
    reports: list[tuple[int, int]] = []

    def seed() -> dict[str, Any]:
        return _seed(database, prefix=f"s{len(reports)}-",
                     progress=lambda d, t: reports.append((d, t)))

    first, second = seed(), seed()

    assert first["households"] == 12 and first["staff"] == 4 and first["programs"] == 1
    assert first["eligible"] == 12
    assert first["departments"] == len(DEMO_DEPARTMENTS)
    assert first["associations"] == 1  # 本町二丁目自治会, its list and its leader (ADR 0057)
    assert second == {"households": 0, "residents": 0, "staff": 0, "departments": 0,
                      "associations": 0, "programs": 0, "eligible": 0}
    with FakeUnitOfWork(database) as uow:
        assert uow.households.count() == 12
        assert uow.residents.count() == first["residents"]
        program = uow.programs.get_by_name(DEMO_PROGRAM_NAME)
        assert program.status is ProgramStatus.OPEN
        assert program.window.contains(FakeClock().now())
        for household in uow.households._store.values():
            assert household.members[0].resident_id == household.head_resident_id
        assert all(r.match_keys is not None for r in uow.residents._store.values())
    assert reports[-1] == (12, 12)


def test_the_registry_holds_the_synthetic_people_as_generated(database: FakeDatabase) -> None:
    _seed(database, households=20)

    with FakeUnitOfWork(database) as uow:
        for synthetic in generate_households(20):
            household = uow.households.get_by_number(synthetic.household_number)
            people = uow.residents.by_numbers([p.resident_number for p in synthetic.members])
            assert [people[p.resident_number].facts for p in synthetic.members] == [
                p.facts for p in synthetic.members]
            assert [(m.resident_id, m.relationship) for m in household.members] == [
                (people[p.resident_number].id, p.relationship) for p in synthetic.members]
            assert all(number.startswith("D") for number in people)


def test_more_households_add_only_the_new_ones_and_keep_every_other_resident(
        database: FakeDatabase) -> None:
    _seed(database, households=1)

    more = _seed(database, households=10, prefix="t")

    assert more["households"] == 9 and more["eligible"] == 9
    assert more["staff"] == 0 and more["programs"] == 0
    with FakeUnitOfWork(database) as uow:
        assert uow.households.count() == 10
        assert {r.registry_status for r in uow.residents._store.values()} == {
            RegistryStatus.RESIDENT}  # a partial extract: nobody is removed


def test_the_staff_accounts_and_the_program_are_made_and_audited_in_the_seeders_name(
        database: FakeDatabase) -> None:
    _seed(database)

    with FakeUnitOfWork(database) as uow:
        records = uow.audit.values()
        assert {r.actor_id for r in records} == {ADMIN.id}
        assert [r.action for r in records] == [
            *["staff.create"] * len(DEMO_STAFF), *["department.create"] * len(DEMO_DEPARTMENTS),
            *["staff.departments"] * 3, *["interest.create"] * len(DEFAULT_INTERESTS),
            "association.create", "association.import_members", "staff.create",  # 自治会
            "program.create", "program.status"]
        assert {m.login_id: m.role for m in uow.staff._store.values()} == {
            **{login: role for login, _, role in DEMO_STAFF},
            "jichikai": Role.ASSOCIATION_LEADER}


def test_the_demo_payments_are_entered_on_paper_decided_and_batched_by_two_staff(
        database: FakeDatabase) -> None:
    _seed(database)

    first = _pay(database)
    again = _pay(database, prefix="q")

    assert first["applications"] == 8 and first["payment_batch"]
    assert again == {"applications": 0, "payment_batch": None, "on_file": 0}
    with FakeUnitOfWork(database) as uow:
        worker = uow.staff.get_by_login_id("worker")
        approver = uow.staff.get_by_login_id("approver")
        program = uow.programs.get_by_name(DEMO_PROGRAM_NAME)
        applications = uow.applications.list_for_program(program.id)
        assert len(applications) == 8
        assert {(a.channel, a.entered_by, a.status, a.decided_by) for a in applications} == {
            ("postal", worker.id, ApplicationStatus.APPROVED, approver.id)}
        [batch] = uow.queries.payments.batches(program_id=program.id)
        assert (batch.id, batch.state, batch.count, batch.total.yen) == (
            first["payment_batch"], BatchState.APPROVED, 8, 560_000)
        assert (batch.created_by, batch.approved_by) == (worker.id, approver.id)


def test_the_demo_staff_belong_to_departments_and_a_staff_change_is_kept(
        database: FakeDatabase) -> None:
    _seed(database)
    with FakeUnitOfWork(database) as uow:
        worker = uow.staff.get_by_login_id("worker")
        names = {d.id: d.name for d in uow.departments.all()}
        assert {names[i] for i in uow.departments.ids_of_staff(worker.id)} == {
            "建設課（道路・公園）", "環境課"}
        uow.departments.set_staff_departments(worker.id, [next(iter(names))])
        uow.commit()

    _seed(database, prefix="again-")

    with FakeUnitOfWork(database) as uow:
        assert len(uow.departments.ids_of_staff(worker.id)) == 1  # as staff left it
