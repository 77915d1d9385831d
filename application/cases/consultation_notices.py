"""What follows from a consultation's events (run by the message bus, in the transaction of the
change), told through the one policy (`Telling.in_reply`) as staff replies are: the resident
learns who answers when staff take it, and that it ended, with the menu (the bot is back)."""

from __future__ import annotations

from collections.abc import Sequence

from application.cases.consultation_messages import ended_message, taken_message
from application.channels.menu import Menu
from application.messaging.telling import Telling
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.cases import InboxCase
from domain.channels import ChannelIdentity
from domain.events import ConsultationEnded, ConsultationTaken

__all__ = ["ConsultationNotices", "department_name", "name_for_residents"]


def department_name(uow: UnitOfWork, case: InboxCase) -> str:
    department = uow.departments.get(case.department_id) if case.department_id else None
    return department.name if department else "町役場"


def name_for_residents(uow: UnitOfWork, actor_id: str | None) -> str:
    """The staff member's name as residents read it (「担当 A」); 担当 for an API or CLI actor."""
    member = uow.staff.get(actor_id) if actor_id else None
    return member.name_for_residents if member else "担当"


class ConsultationNotices:
    def __init__(self, telling: Telling, menu: Menu | None = None) -> None:
        self.telling, self.menu = telling, menu

    def _of(self, uow: UnitOfWork,
            case_id: str) -> tuple[InboxCase, ChannelIdentity] | None:
        case = uow.cases.get(case_id)
        identity = uow.channel_identities.get(case.identity_id) if case else None
        return (case, identity) if case is not None and identity is not None else None

    def taken(self, events: Sequence[ConsultationTaken], uow: UnitOfWork) -> None:
        for event in events:
            found = self._of(uow, event.case_id)
            if found is not None:
                case, identity = found
                text = taken_message(department_name(uow, case),
                                     name_for_residents(uow, event.staff_id))
                self.telling.in_reply(uow, identity, [OutgoingMessage(text=text)])

    def ended(self, events: Sequence[ConsultationEnded], uow: UnitOfWork) -> None:
        for event in events:
            found = self._of(uow, event.case_id)
            if found is not None:
                case, identity = found
                text = ended_message(department_name(uow, case))
                message = (self.menu.menu(text, verified=self._verified(uow, identity))
                           if self.menu is not None else OutgoingMessage(text=text))
                self.telling.in_reply(uow, identity, [message])

    @staticmethod
    def _verified(uow: UnitOfWork, identity: ChannelIdentity) -> bool:
        resident = uow.residents.get(identity.resident_id) if identity.resident_id else None
        return resident is not None and resident.is_verified
