"""A new case alerts its department (ADR 0047): an e-mail to the department's alert address,
written to the outbox in the transaction that opened the case and sent by the e-mail channel as
any outgoing message. It names the case number, the procedure and the department, with a link
to the case page, and nothing the resident wrote or who they are (the address is often a shared
mailbox, and mail crosses servers the town does not run)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from application.messaging.outbox import OutboxMessage
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.events import CaseOpened

__all__ = ["ALERT_CHANNEL", "DepartmentAlert", "alert_text"]

ALERT_CHANNEL = "email"  # the outbox's e-mail channel: the recipient is the address itself


def alert_text(*, number: str, procedure: str, department: str, link: str) -> str:
    return (f"新しい案件（受付番号 {number}）\n"
            f"{department}に新しい案件が届きました。\n"
            f"手続き: {procedure}\n"
            f"受付番号: {number}\n\n"
            f"職員画面で内容を確認してください（サインインが必要です）。\n{link}")


class DepartmentAlert:
    """`CaseOpened` → one e-mail to the department's alert address, when it has one."""

    def __init__(self, ids: IdGenerator, clock: Clock, *,
                 procedure_titles: Mapping[str, str],
                 case_url: Callable[[str], str]) -> None:
        self.ids, self.clock = ids, clock
        self.procedure_titles, self.case_url = procedure_titles, case_url

    def __call__(self, events: Sequence[CaseOpened], uow: UnitOfWork) -> None:
        for event in events:
            case = uow.cases.get(event.case_id)
            department = (uow.departments.get(case.department_id)
                          if case is not None and case.department_id else None)
            if case is None or department is None or not department.alert_email:
                continue  # no department yet, or it asked for no mail: the badge still counts
            text = alert_text(number=case.number, department=department.name,
                              procedure=self.procedure_titles.get(case.procedure_id,
                                                                  case.title),
                              link=self.case_url(case.id))
            uow.outbox.add(OutboxMessage.of(
                [OutgoingMessage(text=text)], id=self.ids.new_id(), channel=ALERT_CHANNEL,
                recipient=department.alert_email, at=self.clock.now()))
