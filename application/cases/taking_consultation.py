"""対応する: a staff member of the department takes a waiting consultation. The case is theirs
and holds the resident's chat; the resident is told which department and which staff member
(by the name residents read) answers (`ConsultationTaken` → `consultation_notices`)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import workable_case
from application.cases.holding_chat import take_the_chat
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.cases import InboxCase
from domain.errors import NotFound

__all__ = ["TakeConsultation", "take_consultation"]


@frozen
class TakeConsultation:
    case_id: str
    actor: Actor


def take_consultation(command: TakeConsultation, *, uow: UnitOfWork,
                      clock: Clock) -> InboxCase:
    now, actor = clock.now(), command.actor
    with uow:
        case = workable_case(command.case_id, actor, uow, "相談に対応")
        consultation = uow.consultations.get(case.id)
        if consultation is None:
            raise NotFound("この案件は相談ではありません。", code="not_a_consultation")
        consultation.take(actor.id, now)
        case.assign(actor.id, now)
        take_the_chat(case, uow)  # even when the resident went back to the menu meanwhile
        record(uow, actor, "consultation.take", "case", case.id, at=now)
        uow.commit()  # the resident is told as the transaction commits
    return case
