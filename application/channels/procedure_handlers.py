"""What a procedure may add around the generic dialog: a check before it starts (is the
resident verified?), what happens with the answers when it finishes, what to undo when it is
cancelled, and its own buttons (postbacks under its prefix). All inside the inbound event's
transaction. The router (`routing.py`) calls them; the container lists them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from attrs import field, frozen

from application.conversations.state import Conversation
from application.ports.clock import IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity

__all__ = ["CaseInbox", "ProcedureHandler", "StartProcedure", "Written"]

# Start a procedure for the resident now (ending what was open), under this conversation id:
# the messages of its first question; or, when that id is the dialog open now, resume it (where
# they are, nothing changed). Handed to `on_postback` by the router.
StartProcedure = Callable[[str, str], list[OutgoingMessage]]


class ProcedureHandler(Protocol):
    procedure_id: str
    postback_prefix: str  # postback data starting with this is the handler's ("cert:")
    from_menu: bool  # False: only its own buttons start it (the benefit account dialog)

    def before_start(self, identity: ChannelIdentity, *, uow: UnitOfWork,
                     now: dt.datetime) -> list[OutgoingMessage] | None:
        """None to start the dialog, or the messages that explain why it cannot start."""
        ...

    def on_finish(self, conversation: Conversation, answers: dict[str, Any],
                  identity: ChannelIdentity, *, said: Sequence[OutgoingMessage],
                  uow: UnitOfWork, ids: IdGenerator,
                  now: dt.datetime) -> list[OutgoingMessage]:
        """The dialog finished with these answers: act on them; the replies (`said`: what the
        dialog says as it finishes, its completion message, to keep or replace)."""
        ...

    def on_cancel(self, conversation: Conversation, *, uow: UnitOfWork,
                  now: dt.datetime) -> None:
        """The dialog was cancelled (by the resident, or by starting another one)."""
        ...

    def on_postback(self, data: str, identity: ChannelIdentity, *, uow: UnitOfWork,
                    ids: IdGenerator, now: dt.datetime,
                    start: StartProcedure) -> list[OutgoingMessage] | None:
        """A tap on one of the handler's own buttons; the replies (None: data it does not
        recognise, answered as a stale button)."""
        ...


@frozen
class Written:
    """What a resident's message outside a dialog did to the case that holds their chat."""

    messages: tuple[OutgoingMessage, ...] = field(converter=tuple)
    offer_menu: bool = False  # the case was closed: the menu follows


class CaseInbox(ProcedureHandler, Protocol):
    """The town's inbox (application/cases): the handler of every procedure without one of its
    own (a finished one becomes a case), and the case that holds a resident's chat."""

    def written(self, identity: ChannelIdentity, *, text: str = "",
                photo_ref: str | None = None, uow: UnitOfWork, ids: IdGenerator,
                now: dt.datetime) -> Written | None:
        """What the resident wrote outside a dialog, taken by the case holding their chat
        (None: no case holds it, the bot answers)."""
        ...

    def let_go(self, identity: ChannelIdentity, *, uow: UnitOfWork) -> None:
        """「メニュー」: the bot answers this resident again."""
        ...
