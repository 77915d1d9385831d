"""What the resident's web page shows (a read): the messages the town sent to their web identity,
oldest first, and what the open dialog waits for (a typed answer, a photo, a place, or a tap).

Choices follow LINE's rules: a card's buttons (a notice, a confirmation) stay on their message;
quick replies (a menu, a question's choices, 戻る / やめる) belong to the newest message only.
LINE's location picker (SEND_LOCATION) is not a button here: the page has its own place form."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

from attrs import frozen

from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.procedures import Procedure
from application.messaging.codec import messages_from_json
from application.ports.messaging import SEND_LOCATION, Choice, MessageStyle
from application.ports.unit_of_work import UnitOfWork

__all__ = ["Expecting", "PageMessage", "WebPage", "web_page"]

_TYPED = {"text", "date", "number", "bank", "branch", "phone", "email", "address"}
# The form field a typed answer is written in ("text": a text area), so a phone shows the
# right keyboard and fills in what the browser knows (docs/adr/0052).
_INPUTS = {"phone": "tel", "email": "email", "address": "address", "date": "date",
           "number": "number"}
_WAYS_OUT = {"戻る", "やめる"}  # a dialog's way back or out is never the suggested button


class Expecting(enum.Enum):
    NOTHING = "nothing"  # no dialog open: the menu's buttons
    TAP = "tap"  # a choice or a yes / no
    TEXT = "text"  # a typed answer
    PHOTO = "photo"
    LOCATION = "location"  # an address, with a point on the map if the resident has one


@frozen
class PageMessage:
    text: str
    choices: tuple[Choice, ...]  # the ones still tappable here
    links: tuple[Choice, ...]  # link buttons (a page to open: pay the fee, verify)
    at: dt.datetime

    @property
    def suggested(self) -> Choice | None:
        """The button shown strongest: the first choice, unless it is 戻る or やめる."""
        first = self.choices[0] if self.choices else None
        return first if first is not None and first.label not in _WAYS_OUT else None


@frozen
class WebPage:
    messages: tuple[PageMessage, ...]
    expecting: Expecting
    verified: bool
    hint: str = ""
    answer_input: str = "text"  # tel, email, address, date, number or text (see _INPUTS)


def web_page(address: str, *, uow: UnitOfWork,
             procedures: ProcedureCatalogue | Mapping[str, Procedure],
             now: dt.datetime, limit: int = 30) -> WebPage:
    with uow:
        rows = uow.queries.messages.transcript("web", address, limit=limit)
        identity = uow.channel_identities.get_by_address("web", address)
        current = uow.conversations.current_for(identity.id) if identity else None
        resident = (uow.residents.get(identity.resident_id)
                    if identity is not None and identity.resident_id else None)
        expecting, hint, answer_input = Expecting.NOTHING, "", "text"
        if current is not None and not current.is_expired_at(now):
            procedure = (procedures.of(current) if isinstance(procedures, ProcedureCatalogue)
                         else procedures.get(current.procedure_id))  # its version's question
            expecting, hint, answer_input = _expecting(procedure, current.step_key)
        elif identity is not None:  # a case that holds the chat takes what they write
            case = uow.cases.holding_chat(identity.id)
            if case is not None and case.status.is_open:
                expecting = Expecting.TEXT
                hint = f"受付番号 {case.number} の案件に追加されます（メニューは「メニュー」）。"
    shown: list[PageMessage] = []
    for index, row in enumerate(rows):
        newest = index == len(rows) - 1
        for message in messages_from_json(row.payload.get("messages") or []):
            card = message.style in (MessageStyle.BUTTONS, MessageStyle.CONFIRM)
            taps = tuple(c for c in message.choices if not c.url and c.data != SEND_LOCATION) \
                if (card or newest) else ()
            links = tuple(c for c in message.choices if c.url)
            shown.append(PageMessage(text=message.text, choices=taps, links=links,
                                     at=row.created_at))
    return WebPage(messages=tuple(shown), expecting=expecting,
                   verified=resident is not None and resident.is_verified, hint=hint,
                   answer_input=answer_input)


def _expecting(procedure: Procedure | None,
               step_key: str | None) -> tuple[Expecting, str, str]:
    if step_key is None or procedure is None:
        return Expecting.TAP, "", "text"  # confirming: はい / いいえ
    try:
        step = procedure.step(step_key)
    except KeyError:  # confirming what the town holds: はい / いいえ
        return Expecting.TAP, "", "text"
    kind = step.answer.value
    if kind == "photo":
        return Expecting.PHOTO, step.hint, "text"
    if kind == "location":
        return Expecting.LOCATION, step.hint, "text"
    if kind in _TYPED:
        return Expecting.TEXT, step.hint, _INPUTS.get(kind, "text")
    return Expecting.TAP, step.hint, "text"
