"""What follows from a benefit application's events (run by the message bus, in the
transaction of the change): the decision notice (決定通知) to the household, and the notice
that its application was withdrawn with the program (取り下げ)."""

from __future__ import annotations

from collections.abc import Sequence

from application.benefits.notices import decision_notice
from application.benefits.reporting_status import withdrawal_notice
from application.messaging.telling import Telling, Told
from application.ports.bank_master import BankMaster
from application.ports.unit_of_work import UnitOfWork
from domain.benefits import ProgramStatus
from domain.events import ApplicationDecided, ApplicationWithdrawn

__all__ = ["DecisionNotice", "WithdrawalNotice"]


class DecisionNotice:
    """支給決定 or 不支給決定: the household head is told in the chat, with the amount and the
    account (masked), or the reason. A household nobody can reach gets it by post."""

    def __init__(self, telling: Telling, banks: BankMaster | None) -> None:
        self.telling, self.banks = telling, banks

    def __call__(self, events: Sequence[ApplicationDecided], uow: UnitOfWork) -> None:
        notices: list[Told] = []
        for event in events:
            application = uow.applications.get(event.application_id)
            program = uow.programs.get(application.program_id) if application else None
            if application is not None and program is not None:
                notices.append((application.household_id,
                                [decision_notice(program, application, banks=self.banks)]))
        self.telling.households(uow, notices)


class WithdrawalNotice:
    """取り下げ: each household whose application was withdrawn (notified, applied or decided
    but not paid) is told in the chat, with the program's reason."""

    def __init__(self, telling: Telling) -> None:
        self.telling = telling

    def __call__(self, events: Sequence[ApplicationWithdrawn], uow: UnitOfWork) -> None:
        found = uow.applications.by_ids([event.application_id for event in events])
        programs = {program_id: uow.programs.get(program_id)
                    for program_id in {a.program_id for a in found.values()}}
        notices: list[Told] = []
        for application in found.values():
            program = programs[application.program_id]
            if program is not None and program.status is ProgramStatus.WITHDRAWN:
                notices.append((application.household_id, [withdrawal_notice(program)]))
        self.telling.households(uow, notices)
