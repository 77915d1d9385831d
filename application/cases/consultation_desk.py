"""相談 on the resident's side (ADR 0046): the consultation procedure's `ProcedureHandler`. When
it finishes, a case opens in the routed department's inbox as any finished procedure's does
(it holds the chat: what the resident writes goes to its thread), with its live side, a
`Consultation` waiting in the department's queue. The resident is told their place and the
department's hours; outside them, when staff will answer. All in the inbound event's
transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from application.cases.consultation_hours import hours_of
from application.cases.consultation_messages import out_of_hours_message, queued_message
from application.cases.consultation_procedure import CONSULTATION, CONSULTATION_ROUTE
from application.cases.opening_case import CaseDesk
from application.cases.routing import DEFAULT_ROUTES
from application.channels.procedure_handlers import StartProcedure
from application.conversations.procedures import Procedure
from application.conversations.state import Conversation
from application.ports.bank_master import BankMaster
from application.ports.calendar import OfficeCalendar
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity
from domain.consultations import Consultation, ConsultationStatus, place_in_queue

__all__ = ["ConsultationDesk"]


class ConsultationDesk:
    procedure_id = CONSULTATION.id
    postback_prefix = "consult:"  # none of its own buttons yet
    from_menu = True

    def __init__(self, procedures: Mapping[str, Procedure], banks: BankMaster,
                 calendar: OfficeCalendar) -> None:
        self.cases = CaseDesk(procedures, banks, routes=(*DEFAULT_ROUTES, CONSULTATION_ROUTE))
        self.calendar = calendar

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        return None

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        return None

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        return None

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        """The consultation in its department's queue; the resident's place and the hours."""
        case = self.cases.open_case(conversation, answers, identity, uow=uow, ids=ids, now=now)
        hours = hours_of(uow, case.department_id)
        closed_day = self.calendar.is_closed_day
        consultation = Consultation(id=case.id, department_id=case.department_id,
                                    requested_at=now, in_hours=hours.is_open(now, closed_day))
        place = place_in_queue(consultation, uow.consultations.with_status(
            ConsultationStatus.WAITING, {case.department_id} if case.department_id else None))
        uow.consultations.add(consultation)
        department = uow.departments.get(case.department_id) if case.department_id else None
        name = department.name if department else "町役場"
        text = (queued_message(case.number, name, place, hours.label) if consultation.in_hours
                else out_of_hours_message(case.number, name, place, hours.label,
                                          hours.next_opening(now, closed_day)))
        return [*said[:-1], OutgoingMessage(text=text)]
