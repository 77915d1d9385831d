"""What follows from a case's events (run by the message bus, in the transaction of the
change): a staff reply is told to the resident in their own chat, through the one policy
(`Telling.in_reply`), and the reply keeps the outbox row that carries it (its delivery status
is what the case page shows). In a consultation (相談) it reads as a live line, with the
department and the staff member's name for residents."""

from __future__ import annotations

from collections.abc import Sequence

from application.cases.consultation_messages import staff_line
from application.cases.consultation_notices import department_name, name_for_residents
from application.messaging.telling import Telling
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.events import CaseAnswered

__all__ = ["ReplyNotice", "reply_text"]


def reply_text(number: str, department: str, text: str) -> str:
    return f"【受付番号 {number}】{department}からのお返事です。\n{text}"


class ReplyNotice:
    def __init__(self, telling: Telling) -> None:
        self.telling = telling

    def __call__(self, events: Sequence[CaseAnswered], uow: UnitOfWork) -> None:
        for event in events:
            case = uow.cases.get(event.case_id)
            entry = uow.case_entries.get(event.entry_id)
            identity = uow.channel_identities.get(case.identity_id) if case else None
            if case is None or entry is None or identity is None:  # pragma: no cover
                continue  # written together in the transaction that recorded the event
            department = department_name(uow, case)
            text = (staff_line(department, name_for_residents(uow, entry.staff_id), entry.text)
                    if uow.consultations.get(case.id) is not None  # 相談: live, named
                    else reply_text(case.number, department, entry.text))
            entry.outbox_id = self.telling.in_reply(uow, identity, [OutgoingMessage(text=text)])
