"""The demo town's payments, through the use cases staff use: the demo case worker enters paper
applications for a few households of the demo program (bank transfer, with demo accounts), the
demo approver approves them, the worker gathers them into a batch and the approver approves it,
so `madoguchi batch export <id> --out transfer.txt` works right after `madoguchi demo`. Given the
transfer file writer, the next few households were also paid an earlier benefit by transfer
(`seeding_history`): they have an account on file for the demo program's one-tap notice. The
first `DEMO_ON_FILE` of them are left for the README's LINE walk (the card page offers them); the
`DEMO_ON_LADDER` after them are the heads `seeding_contacts` puts on SMS and e-mail.

Idempotent: a program that already has a batch is left as it is, and so are households that
already applied.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.access.actor import Actor
from application.benefits.deciding_applications import DecideApplications, decide_applications
from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.messaging.telling import Telling
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import BankCalendar, Originator, TransferFileWriter
from application.ports.unit_of_work import UnitOfWork
from demo.seeding_history import seed_earlier_benefit
from demo.seeding_town import DEMO_PROGRAM_NAME
from demo.synthetic_town import SyntheticHousehold, generate_households
from domain.benefits import ApplicationStatus, PayoutMethod

__all__ = ["DEMO_APPROVER_LOGIN", "DEMO_ON_FILE", "DEMO_ON_LADDER", "DEMO_PAYEES",
           "DEMO_WORKER_LOGIN", "ladder_households", "seed_demo_payments"]

DEMO_PAYEES = 8
DEMO_ON_FILE = 3  # the households after the payees: paid an earlier benefit, account on file
DEMO_ON_LADDER = 6  # after those: paid it too, their heads on SMS or e-mail (seeding_contacts)
DEMO_WORKER_LOGIN = "worker"
DEMO_APPROVER_LOGIN = "approver"
# (bank, branch) pairs that exist in the bank master: みずほ 東京営業部, 三菱UFJ 本店,
# 三井住友 本店営業部, ゆうちょ 〇一九店
_BRANCHES = (("0001", "001"), ("0005", "001"), ("0009", "001"), ("9900", "019"))


def ladder_households(seed: int = 7) -> list[SyntheticHousehold]:
    """The households whose heads the demo puts on SMS and e-mail (an account on file)."""
    first = DEMO_PAYEES + DEMO_ON_FILE
    return list(generate_households(first + DEMO_ON_LADDER, seed=seed))[first:]


def seed_demo_payments(*, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
                       calendar: BankCalendar, telling: Telling, seed: int = 7,
                       writer: TransferFileWriter | None = None,
                       originator: Originator | None = None) -> dict[str, Any]:
    """Returns the paper applications entered, the approved batch's id (None: nothing made,
    because the program already has a batch or the demo staff or program are missing) and
    how many households were paid the earlier benefit (`on_file`)."""
    created: dict[str, Any] = {"applications": 0, "payment_batch": None, "on_file": 0}
    town = list(generate_households(DEMO_PAYEES + DEMO_ON_FILE + DEMO_ON_LADDER, seed=seed))
    payees = town[:DEMO_PAYEES]  # the town's first households
    with uow_factory() as uow:
        program = uow.programs.get_by_name(DEMO_PROGRAM_NAME)
        worker = uow.staff.get_by_login_id(DEMO_WORKER_LOGIN)
        approver = uow.staff.get_by_login_id(DEMO_APPROVER_LOGIN)
        if program is None or worker is None or approver is None:
            return created
        program_id = program.id
        worker_actor, approver_actor = Actor.staff(worker), Actor.staff(approver)
        on_file = list(uow.households.by_numbers(
            [h.household_number for h in town[DEMO_PAYEES:]]))
    if writer is not None and originator is not None:
        created["on_file"] = seed_earlier_benefit(
            [h for h in town[DEMO_PAYEES:] if h.household_number in on_file],
            worker=worker_actor, approver=approver_actor, uow_factory=uow_factory, ids=ids,
            clock=clock, calendar=calendar, telling=telling, writer=writer,
            originator=originator)
    with uow_factory() as uow:
        if uow.queries.payments.batches(program_id=program_id, limit=1):
            return created
        households = uow.households.by_numbers([p.household_number for p in payees])
        applied: set[str] = set()  # household numbers
        to_decide: list[str] = []  # application ids (entered by a run stopped half-way)
        for number, household in households.items():
            application = uow.applications.get_for(program_id, household.id)
            if application is None:
                continue
            applied.add(number)
            if (application.status is ApplicationStatus.CONFIRMED
                    and application.entered_by == worker_actor.id):
                to_decide.append(application.id)
    for n, payee in enumerate(payees):
        if payee.household_number not in households or payee.household_number in applied:
            continue
        bank, branch = _BRANCHES[n % len(_BRANCHES)]
        to_decide.append(enter_paper_application(
            EnterPaperApplication(
                program_id=program_id, household_number=payee.household_number,
                payout_method=PayoutMethod.BANK_TRANSFER.value, actor=worker_actor,
                bank_code=bank, branch_code=branch, account_type="1",
                account_number=f"{1_000_001 + n * 7_919:07d}",
                holder_kana=payee.members[0].facts.name.kana or "ミホン タロウ"),
            uow=uow_factory(), ids=ids, clock=clock).id)
        created["applications"] += 1
    if to_decide:
        decide_applications(DecideApplications(program_id=program_id, application_ids=to_decide,
                                               approve=True, actor=approver_actor),
                            uow_factory=uow_factory, clock=clock, telling=telling)
    batch = create_batch(CreateBatch(program_id=program_id, method="bank_transfer",
                                     actor=worker_actor),
                         uow=uow_factory(), ids=ids, clock=clock, calendar=calendar)
    approve_batch(ApproveBatch(batch_id=batch.id, actor=approver_actor), uow=uow_factory(),
                  ids=ids, clock=clock)
    created["payment_batch"] = batch.id
    return created
