"""The demo town's payments: a few households of the demo program approved for a bank transfer,
gathered into a batch by the demo case worker and approved by the demo approver, so
`madoguchi batch export <id> --out transfer.txt` works right after `madoguchi demo`.

Idempotent: households that already applied and a program that already has a batch are left
as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.access.actor import Actor
from application.demo.synthetic_town import generate_households
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import BankCalendar
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import Application, PayoutMethod
from domain.values import BankAccount

__all__ = ["DEMO_PAYEES", "seed_demo_payments"]

DEMO_PAYEES = 8
# (bank, branch) pairs that exist in the bank master: みずほ 東京営業部, 三菱UFJ 本店,
# 三井住友 本店営業部, ゆうちょ 〇一九店
_BRANCHES = (("0001", "001"), ("0005", "001"), ("0009", "001"), ("9900", "019"))


def seed_demo_payments(*, program_name: str, worker_login: str, approver_login: str,
                       uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
                       calendar: BankCalendar, seed: int = 7) -> dict[str, Any]:
    now = clock.now()
    created: dict[str, Any] = {"applications": 0, "payment_batch": None}
    with uow_factory() as uow:
        program = uow.programs.get_by_name(program_name)
        worker = uow.staff.get_by_login_id(worker_login)
        approver = uow.staff.get_by_login_id(approver_login)
        if program is None or worker is None or approver is None:
            return created
        if uow.queries.payments.batches(program_id=program.id, limit=1):
            return created
        synthetic = list(generate_households(DEMO_PAYEES, seed=seed))
        households = uow.households.by_numbers([s.household_number for s in synthetic])
        for n, person in enumerate(synthetic):
            household = households.get(person.household_number)
            if household is None or uow.applications.get_for(program.id, household.id):
                continue
            bank, branch = _BRANCHES[n % len(_BRANCHES)]
            head = person.members[0].facts.name
            account = BankAccount.of(bank_code=bank, branch_code=branch, account_type="1",
                                     number=f"{1_000_001 + n * 7_919:07d}",
                                     holder=head.kana or "ミホン タロウ")
            application = Application.notify(id=ids.new_id(), program=program,
                                             household_id=household.id, at=now)
            application.confirm(program=program, at=now, payout_method=PayoutMethod.BANK_TRANSFER,
                                payee_account=account)
            application.approve(by=approver.id, at=now)
            uow.applications.add(application)
            created["applications"] += 1
        uow.commit()
        worker_actor, approver_actor = Actor.staff(worker), Actor.staff(approver)
    batch = create_batch(CreateBatch(program_id=program.id, method="bank_transfer",
                                     actor=worker_actor),
                         uow=uow_factory(), ids=ids, clock=clock, calendar=calendar)
    approve_batch(ApproveBatch(batch_id=batch.id, actor=approver_actor), uow=uow_factory(),
                  ids=ids, clock=clock)
    created["payment_batch"] = batch.id
    return created
