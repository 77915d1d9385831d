"""What follows from a card verification's events (run by the message bus, in the transaction
of the change): the resident is told the result on the channel they verified from."""

from __future__ import annotations

from collections.abc import Sequence

from application.messaging.telling import Telling
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.residents.notices import verification_message
from domain.events import VerificationDecided
from domain.verifications import VerificationStatus

__all__ = ["VerificationNotice"]


class VerificationNotice:
    def __init__(self, telling: Telling) -> None:
        self.telling = telling

    def __call__(self, events: Sequence[VerificationDecided], uow: UnitOfWork) -> None:
        for event in events:
            identity = uow.channel_identities.get(event.identity_id)
            if identity is not None:
                text = verification_message(VerificationStatus(event.status))
                self.telling.identity(uow, identity, [OutgoingMessage(text=text)])
