"""What follows from a card verification's events (run by the message bus, in the transaction
of the change): the resident is told the result on the channel they verified from; once linked,
with the menu of procedures as buttons."""

from __future__ import annotations

from collections.abc import Sequence

from application.channels.menu import Menu
from application.messaging.telling import Telling
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.residents.notices import verification_message
from domain.events import VerificationDecided
from domain.verifications import VerificationStatus

__all__ = ["VerificationNotice"]

MENU_FOLLOWS = "\nご用件を下のボタンからお選びください。"


class VerificationNotice:
    def __init__(self, telling: Telling, menu: Menu | None = None) -> None:
        self.telling, self.menu = telling, menu

    def __call__(self, events: Sequence[VerificationDecided], uow: UnitOfWork) -> None:
        for event in events:
            identity = uow.channel_identities.get(event.identity_id)
            if identity is not None:
                status = VerificationStatus(event.status)
                text = verification_message(status)
                message = (self.menu.menu(text + MENU_FOLLOWS, verified=True)
                           if self.menu is not None and status is VerificationStatus.LINKED
                           else OutgoingMessage(text=text))
                self.telling.identity(uow, identity, [message])
