"""What a procedure may add around the generic dialog: a check before it starts (is the
resident verified?), what happens with the answers when it finishes, and its own buttons
(postbacks under its prefix) afterwards. All inside the inbound event's transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["ProcedureHandler"]


class ProcedureHandler(Protocol):
    procedure_id: str
    postback_prefix: str  # postback data starting with this is the handler's ("cert:")

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        """None to start the dialog, or the messages that explain why it cannot start."""
        ...

    def on_finish(self, answers: dict[str, Any], identity: ChannelIdentity, *,
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        """The dialog finished with these answers: act on them; the replies."""
        ...

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime) -> list[OutgoingMessage]:
        ...
