"""Seed the demo town through the use cases staff use: a synthetic registry imported as a town's
extract is, staff accounts of every role, the town's departments (課) with staff in them, the
open program, and every demo household on the program's list.

Idempotent: households already in the registry, staff accounts and the program that exist are
left as they are (only the households not yet in the registry are imported, and the list
import skips households already on it), so running it again is harmless.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program, deadline
from application.benefits.importing_eligibility import ImportEligibility, import_eligibility
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from application.dates import JST, in_japan
from application.interests.managing_interests import SaveInterest, save_interest
from application.jobs.catalog import Progress
from application.messaging.telling import ContactPolicy
from application.ports.clock import Clock, IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.residents.importing_registry import ImportRegistry, import_registry
from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
from demo.seeding_associations import seed_demo_associations
from demo.synthetic_town import SyntheticHousehold, generate_households, registry_rows
from domain.benefits import PayoutMethod, ProgramStatus
from domain.errors import InvariantViolated
from domain.interests import DEFAULT_INTERESTS
from domain.staff import Role

__all__ = [
    "DEMO_ADMIN_LOGIN",
    "DEMO_DEPARTMENTS",
    "DEMO_PROGRAM_NAME",
    "DEMO_STAFF",
    "DEMO_STAFF_PASSWORD",
    "SeedDemoTown",
    "seed_demo_town",
]

DEMO_PROGRAM_NAME = "物価高騰対策給付金（デモ）"
DEMO_ADMIN_LOGIN = "admin"
DEMO_STAFF_PASSWORD = "madoguchi-demo"
DEMO_STAFF = (
    (DEMO_ADMIN_LOGIN, "管理 太郎", Role.ADMINISTRATOR),
    ("approver", "決裁 花子", Role.APPROVER),
    ("worker", "担当 健太", Role.CASE_WORKER),
    ("viewer", "閲覧 陽子", Role.VIEWER),
)
# The town's departments (課), named as the inbox's routing and the library of procedure
# templates (templates/procedures/) name them, and the demo staff in them (staff already in a
# department are left as they are).
DEMO_DEPARTMENTS = ("総務課", "住民課", "環境課", "建設課（道路・公園）", "子育て支援課", "税務課",
                    "健康福祉課", "上下水道課", "学校教育課", "生涯学習課", "危機管理課")
DEMO_MEMBERSHIPS = {
    DEMO_ADMIN_LOGIN: ("総務課",),
    "approver": ("総務課", "住民課"),
    "worker": ("建設課（道路・公園）", "環境課"),
}
_CHUNK = 1000  # household numbers looked up at once


@frozen(kw_only=True)
class SeedDemoTown:
    """`actor`: who seeds (the operator at the console, or the system for a job); the staff
    accounts and the program are created in their name."""

    actor: Actor
    households: int = 200
    staff_password: str = DEMO_STAFF_PASSWORD
    seed: int = 7


def seed_demo_town(command: SeedDemoTown, *, uow_factory: Callable[[], UnitOfWork],
                   ids: IdGenerator, clock: Clock, hasher: PasswordHasher, keyer: MatchKeyer,
                   policy: ContactPolicy, progress: Progress | None = None) -> dict[str, Any]:
    """Returns what it added: households, residents, staff, programs, eligible (households put
    on the program's list). `progress` counts households."""
    town = list(generate_households(command.households, seed=command.seed))
    households, residents = _registry(town, uow_factory=uow_factory, ids=ids, clock=clock,
                                      keyer=keyer, progress=progress)
    staff = _staff(command, uow_factory=uow_factory, ids=ids, clock=clock, hasher=hasher)
    departments = _departments(command.actor, uow_factory=uow_factory, ids=ids, clock=clock)
    _interests(command.actor, uow_factory=uow_factory, clock=clock)
    associations = seed_demo_associations(command.actor, password=command.staff_password,
                                          uow_factory=uow_factory, ids=ids, clock=clock,
                                          hasher=hasher)
    program_id, programs = _program(command.actor, uow_factory=uow_factory, ids=ids,
                                    clock=clock)
    eligible = 0
    if town:
        rows = [(row, {"household_number": household.household_number})
                for row, household in enumerate(town, start=1)]
        eligible = import_eligibility(ImportEligibility(program_id=program_id),
                                      rows=lambda: rows, uow_factory=uow_factory, ids=ids,
                                      clock=clock, policy=policy).added
    return {"households": households, "residents": residents, "staff": staff,
            "departments": departments, "associations": associations, "programs": programs,
            "eligible": eligible}


def _registry(town: Sequence[SyntheticHousehold], *, uow_factory: Callable[[], UnitOfWork],
              ids: IdGenerator, clock: Clock, keyer: MatchKeyer,
              progress: Progress | None) -> tuple[int, int]:
    """Import the households the registry does not have yet, as a partial extract (nobody
    else is removed); returns (households, residents) added."""
    new: list[SyntheticHousehold] = []
    for start in range(0, len(town), _CHUNK):
        chunk = town[start:start + _CHUNK]
        with uow_factory() as uow:
            known = uow.households.ids_by_numbers([h.household_number for h in chunk])
        new += [h for h in chunk if h.household_number not in known]
    added = (0, 0)
    if new:
        report = import_registry(
            ImportRegistry(full_extract=False), rows=lambda: registry_rows(new),
            uow_factory=uow_factory, ids=ids, clock=clock, keyer=keyer,
            progress=_HouseholdProgress(new, done_before=len(town) - len(new),
                                        total=len(town), progress=progress))
        if not report.written:  # the generator wrote a row the registry refuses: a bug here
            raise InvariantViolated(report.summary())
        added = (report.households_created, report.created)
    if progress is not None and town:
        progress(len(town), len(town))
    return added


class _HouseholdProgress:
    """The registry import counts rows; the demo counts households (rows come household by
    household, so a household is done once all its rows are)."""

    def __init__(self, households: Sequence[SyntheticHousehold], *, done_before: int,
                 total: int, progress: Progress | None) -> None:
        self.rows_after = list(itertools.accumulate(len(h.members) for h in households))
        self.done_before, self.total, self.progress = done_before, total, progress

    def __call__(self, done: int, total: int) -> None:
        if self.progress is not None:
            households = bisect.bisect_right(self.rows_after, done)
            self.progress(self.done_before + households, self.total)


def _staff(command: SeedDemoTown, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
           clock: Clock, hasher: PasswordHasher) -> int:
    with uow_factory() as uow:
        missing = [account for account in DEMO_STAFF
                   if uow.staff.get_by_login_id(account[0]) is None]
    for login_id, display_name, role in missing:
        create_staff_member(
            CreateStaffMember(login_id=login_id, display_name=display_name, role=role.value,
                              password=command.staff_password, actor=command.actor),
            uow=uow_factory(), ids=ids, hasher=hasher, clock=clock)
    return len(missing)


def _departments(actor: Actor, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                 clock: Clock) -> int:
    """The demo departments that are missing, and the demo staff put in theirs."""
    with uow_factory() as uow:
        known = {d.name: d.id for d in uow.departments.all()}
    missing = [name for name in DEMO_DEPARTMENTS if name not in known]
    for name in missing:
        known[name] = save_department(SaveDepartment(name=name, actor=actor),
                                      uow=uow_factory(), ids=ids, clock=clock).id
    for login_id, names in DEMO_MEMBERSHIPS.items():
        with uow_factory() as uow:
            member = uow.staff.get_by_login_id(login_id)
            placed = member is None or bool(uow.departments.ids_of_staff(member.id))
        if member is not None and not placed:
            set_staff_departments(SetStaffDepartments(
                staff_id=member.id, department_ids=[known[n] for n in names], actor=actor),
                uow=uow_factory(), clock=clock)
    return len(missing)


def _interests(actor: Actor, *, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
    """The default interests residents may subscribe to (防災, 子育て, イベント, ごみの日),
    those missing."""
    with uow_factory() as uow:
        known = {topic.key for topic in uow.interests.all()}
    for key, label, description in DEFAULT_INTERESTS:
        if key not in known:
            save_interest(SaveInterest(actor, key, label, description), uow=uow_factory(),
                          clock=clock)


def _program(actor: Actor, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
             clock: Clock) -> tuple[str, int]:
    """The demo program's id, and 1 when it was created now. A program left a draft (a run
    stopped half-way) is opened; one staff closed stays closed."""
    with uow_factory() as uow:
        program = uow.programs.get_by_name(DEMO_PROGRAM_NAME)
        found = (program.id, program.status) if program is not None else None
    created = found is None
    if found is None:
        today = in_japan(clock.now()).date()  # open from yesterday, to 23:59 of the 60th day
        program_id = create_program(
            CreateProgram(
                actor=actor, name=DEMO_PROGRAM_NAME, amount_yen=70_000,
                eligibility_source="住民税非課税世帯（デモ）",
                opens_at=dt.datetime.combine(today - dt.timedelta(days=1), dt.time(), tzinfo=JST),
                closes_at=deadline(today + dt.timedelta(days=60)),
                payout_methods=(PayoutMethod.BANK_TRANSFER.value, PayoutMethod.ATM_CASH.value),
                notice_text="{program}として、1世帯あたり{amount}を支給します。",
                decision_text="{program}の支給を決定しました。",
                rejection_text="{program}は、次の理由により支給できません。"),
            uow=uow_factory(), ids=ids, clock=clock)
        found = (program_id, ProgramStatus.DRAFT)
    program_id, status = found
    if status is ProgramStatus.DRAFT:
        change_program_status(ChangeProgramStatus(program_id=program_id, status="open",
                                                  actor=actor),
                              uow=uow_factory(), clock=clock)
    return program_id, int(created)
