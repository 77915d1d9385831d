"""相談を終える: staff end a consultation (waiting or live). The case is closed and lets go of
the chat; the resident is told it ended, with the menu: the bot is back
(`ConsultationEnded` → `consultation_notices`)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import workable_case
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.cases import InboxCase
from domain.errors import NotFound

__all__ = ["EndConsultation", "end_consultation"]


@frozen
class EndConsultation:
    case_id: str
    actor: Actor


def end_consultation(command: EndConsultation, *, uow: UnitOfWork, clock: Clock) -> InboxCase:
    now, actor = clock.now(), command.actor
    with uow:
        case = workable_case(command.case_id, actor, uow, "相談を終了")
        consultation = uow.consultations.get(case.id)
        if consultation is None:
            raise NotFound("この案件は相談ではありません。", code="not_a_consultation")
        consultation.end(now)
        if case.status.is_open:
            case.close(now)
        case.let_go_of_chat()
        record(uow, actor, "consultation.end", "case", case.id, at=now)
        uow.commit()
    return case
