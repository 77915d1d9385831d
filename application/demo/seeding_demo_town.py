"""Seed the demo town: a synthetic registry, staff accounts of every role, an open program.

Idempotent: households, staff and the program that already exist are left as they are, so
running it again is harmless. Later capabilities extend it so the demo shows them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from attrs import frozen

from application.demo.synthetic_town import generate_households
from application.ports.clock import Clock, IdGenerator
from application.ports.matching import MatchKeyer
from application.ports.security import PasswordHasher
from application.ports.unit_of_work import UnitOfWork
from application.tasks import Progress
from domain.benefits import (
    ApplicationWindow,
    BenefitProgram,
    EligibleHousehold,
    PayoutMethod,
    ProgramStatus,
)
from domain.households import Household
from domain.residents import RegistryStatus, Resident
from domain.staff import Role, StaffMember
from domain.values import Money

__all__ = ["DEMO_PROGRAM_NAME", "DEMO_STAFF", "SeedDemoTown", "seed_demo_town"]

DEMO_PROGRAM_NAME = "物価高騰対策給付金（デモ）"
DEMO_STAFF = (
    ("admin", "管理 太郎", Role.ADMINISTRATOR),
    ("approver", "決裁 花子", Role.APPROVER),
    ("worker", "担当 健太", Role.CASE_WORKER),
    ("viewer", "閲覧 陽子", Role.VIEWER),
)
_BATCH = 500


@frozen
class SeedDemoTown:
    households: int = 200
    staff_password: str = "madoguchi-demo"
    seed: int = 7


def seed_demo_town(command: SeedDemoTown, *, uow_factory: Callable[[], UnitOfWork],
                   ids: IdGenerator, clock: Clock, hasher: PasswordHasher, keyer: MatchKeyer,
                   progress: Progress | None = None) -> dict[str, Any]:
    now = clock.now()
    created = {"households": 0, "residents": 0, "staff": 0, "programs": 0}
    batch = list(generate_households(command.households, seed=command.seed))
    for start in range(0, len(batch), _BATCH):
        with uow_factory() as uow:
            chunk = batch[start:start + _BATCH]
            existing = uow.households.by_numbers([s.household_number for s in chunk])
            for synthetic in chunk:
                if synthetic.household_number in existing:
                    continue
                residents = [
                    Resident.from_registry(id=ids.new_id(), resident_number=p.resident_number,
                                           household_number=synthetic.household_number,
                                           facts=p.facts, status=RegistryStatus.RESIDENT, at=now,
                                           match_keys=keyer.keys_for(p.facts))
                    for p in synthetic.members
                ]
                household = Household.found(id=ids.new_id(),
                                            household_number=synthetic.household_number,
                                            head_resident_id=residents[0].id)
                for resident, person in zip(residents[1:], synthetic.members[1:], strict=True):
                    household.add_member(resident.id, person.relationship)
                for resident in residents:
                    uow.residents.add(resident)
                uow.households.add(household)
                created["households"] += 1
                created["residents"] += len(residents)
            uow.commit()
        if progress is not None:
            progress(min(start + _BATCH, len(batch)), len(batch))

    with uow_factory() as uow:
        for login_id, display_name, role in DEMO_STAFF:
            if uow.staff.get_by_login_id(login_id) is None:
                uow.staff.add(StaffMember(id=ids.new_id(), login_id=login_id,
                                          display_name=display_name, role=role,
                                          password_hash=hasher.hash(command.staff_password)))
                created["staff"] += 1
        if uow.programs.get_by_name(DEMO_PROGRAM_NAME) is None:
            program = BenefitProgram(
                id=ids.new_id(), name=DEMO_PROGRAM_NAME, amount_per_household=Money(70_000),
                eligibility_source="住民税非課税世帯（デモ）",
                window=ApplicationWindow(opens_at=now - dt.timedelta(days=1),
                                         closes_at=now + dt.timedelta(days=60)),
                payout_methods=frozenset({PayoutMethod.BANK_TRANSFER, PayoutMethod.ATM_CASH}),
                status=ProgramStatus.DRAFT,
                notice_text="{program}として、1世帯あたり{amount}を支給します。",
                decision_text="{program}の支給を決定しました。",
                rejection_text="{program}は、次の理由により支給できません。",
            )
            program.open()
            uow.programs.add(program)
            created["programs"] += 1
        uow.commit()
    created["eligible"] = _demo_eligibility(batch, uow_factory=uow_factory, ids=ids, now=now)
    return created


def _demo_eligibility(batch: list[Any], *, uow_factory: Callable[[], UnitOfWork],
                      ids: IdGenerator, now: dt.datetime) -> int:
    """Every demo household is on the demo program's list, so a campaign can be sent (those
    without a verified head on LINE are the postal path)."""
    added = 0
    for start in range(0, len(batch), _BATCH):
        with uow_factory() as uow:
            program = uow.programs.get_by_name(DEMO_PROGRAM_NAME)
            if program is None:
                return added
            numbers = [s.household_number for s in batch[start:start + _BATCH]]
            households = uow.households.by_numbers(numbers)
            existing = uow.eligibility.existing_among(
                program.id, [h.id for h in households.values()])
            for household in households.values():
                if household.id not in existing:
                    uow.eligibility.add(EligibleHousehold(
                        id=ids.new_id(), program_id=program.id, household_id=household.id,
                        added_at=now))
                    added += 1
            uow.commit()
    return added
