"""An earlier benefit of the demo town, finished and paid, through the use cases staff use: a few
households were paid by bank transfer, so the demo program's notice can offer them the one-tap
"pay it to the account on file" (＊＊＊＊123). The demo case worker enters their paper
applications, the demo approver approves them and the batch, the worker writes the transfer
file and imports the bank's result (all paid), and the program is closed.

Idempotent: an earlier program that already exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Sequence

from application.access.actor import SYSTEM, Actor
from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program
from application.benefits.deciding_applications import DecideApplications, decide_applications
from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from application.benefits.importing_eligibility import ImportEligibility, import_eligibility
from application.disbursements.approving_batch import ApproveBatch, approve_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.disbursements.exporting_batch import ExportBatch, export_batch
from application.disbursements.importing_results import ImportResults, import_results
from application.messaging.telling import Telling, load_policy
from application.ports.clock import Clock, IdGenerator
from application.ports.payouts import BankCalendar, Originator, TransferFileWriter
from application.ports.unit_of_work import UnitOfWork
from demo.synthetic_town import SyntheticHousehold
from domain.benefits import PayoutMethod

__all__ = ["EARLIER_PROGRAM_NAME", "account_number_on_file", "seed_earlier_benefit"]

EARLIER_PROGRAM_NAME = "臨時特別給付金（デモ・支給済み）"


def account_number_on_file(n: int) -> str:
    """The demo accounts of the earlier benefit all end in 123 (a notice shows ＊＊＊＊123)."""
    return f"{1000 + n * 37:04d}123"


def seed_earlier_benefit(households: Sequence[SyntheticHousehold], *,
                         worker: Actor, approver: Actor,
                         uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
                         calendar: BankCalendar, telling: Telling, writer: TransferFileWriter,
                         originator: Originator) -> int:
    """Pay `households` the earlier benefit by transfer; returns how many were paid (0 when
    the earlier program exists already)."""
    with uow_factory() as uow:
        if uow.programs.get_by_name(EARLIER_PROGRAM_NAME) is not None or not households:
            return 0
    now = clock.now()
    program_id = create_program(
        CreateProgram(
            actor=SYSTEM, name=EARLIER_PROGRAM_NAME, amount_yen=100_000,
            eligibility_source="住民税非課税世帯（デモ・前年度）",
            opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30),
            payout_methods=(PayoutMethod.BANK_TRANSFER.value,),
            notice_text="{program}として、1世帯あたり{amount}を支給します。",
            decision_text="{program}の支給を決定しました。",
            rejection_text="{program}は、次の理由により支給できません。"),
        uow=uow_factory(), ids=ids, clock=clock)
    change_program_status(ChangeProgramStatus(program_id=program_id, status="open",
                                              actor=SYSTEM), uow=uow_factory(), clock=clock)
    rows = [(row, {"household_number": h.household_number})
            for row, h in enumerate(households, start=1)]
    import_eligibility(ImportEligibility(program_id=program_id), rows=lambda: rows,
                       uow_factory=uow_factory, ids=ids, clock=clock,
                       policy=load_policy(uow_factory))
    entered = [enter_paper_application(
        EnterPaperApplication(
            program_id=program_id, household_number=h.household_number,
            payout_method=PayoutMethod.BANK_TRANSFER.value, actor=worker,
            bank_code="0001", branch_code="001", account_type="1",
            account_number=account_number_on_file(n),
            holder_kana=h.members[0].facts.name.kana or "ミホン タロウ"),
        uow=uow_factory(), ids=ids, clock=clock).id for n, h in enumerate(households)]
    decide_applications(DecideApplications(program_id=program_id, application_ids=entered,
                                           approve=True, actor=approver),
                        uow_factory=uow_factory, clock=clock, telling=telling)
    batch = create_batch(CreateBatch(program_id=program_id, method="bank_transfer",
                                     actor=worker),
                         uow=uow_factory(), ids=ids, clock=clock, calendar=calendar)
    approve_batch(ApproveBatch(batch_id=batch.id, actor=approver), uow=uow_factory(), ids=ids,
                  clock=clock)
    export_batch(ExportBatch(batch_id=batch.id, actor=worker), uow=uow_factory(), ids=ids,
                 clock=clock, writer=writer, originator=originator, out=io.BytesIO())
    import_results(ImportResults(batch_id=batch.id, actor=worker, settle_unlisted=True), (),
                   uow=uow_factory(), ids=ids, clock=clock, telling=telling)
    change_program_status(ChangeProgramStatus(program_id=program_id, status="closed",
                                              actor=SYSTEM), uow=uow_factory(), clock=clock)
    return len(entered)
