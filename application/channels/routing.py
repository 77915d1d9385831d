"""Handle one inbound event exactly once: update the resident's channel identity and
conversation and write the replies to the outbox, in one transaction that also marks the event
in the inbox (an event the webhook stored: marked handled first, ADR 0062) or stores it there.

Where an event goes is one look-up in a table, not a chain of ifs: its kind picks a route; a
postback's data picks one by its exact value (menu, status, verify) or by its prefix (start a
procedure, answer the open dialog, or a procedure handler's own buttons: a benefit notice's
taps, a certificate's やめる, a notice's buttons). Adding a procedure or a channel adds an entry.

A redelivered event (same external id) is refused by the inbox's unique constraint (at commit,
rolled back whole, when it is stored here): nothing of it stays."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Protocol

import attrs
from attrs import define

from application.channels import built_procedures as built
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.inbox import InboxEvent
from application.channels.menu import (
    MENU_DATA,
    PAGE_PREFIX,
    START_PREFIX,
    STATUS_DATA,
    SWITCH_PREFIX,
    Menu,
)
from application.channels.procedure_handlers import CaseInbox, ProcedureHandler
from application.conversations import postbacks as pb
from application.conversations.catalogue import DRAFT, ProcedureCatalogue
from application.conversations.engine import ConversationEngine
from application.conversations.inputs import Input
from application.conversations.state import Conversation, ConversationStatus
from application.messaging.outbox import OutboxMessage
from application.notices.messages import TAP_PREFIX, tap_of
from application.notices.opening import record_tap
from application.ports.clock import Clock, IdGenerator
from application.ports.identity import IdentityProvider
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.channels import ChannelIdentity
from domain.errors import DomainError

__all__ = ["ALREADY_DONE", "STALE_BUTTON", "InboundRouter", "StatusReport"]

STALE_BUTTON = "そのボタンの手続きはすでに終わっています。"
ALREADY_DONE = "その手続きはすでに受け付けています。"
ATTEMPTS = 3


class StatusReport(Protocol):
    """状況確認: how the resident's household's applications stand (benefits answer it)."""

    def __call__(self, identity: ChannelIdentity, *, uow: UnitOfWork) -> list[OutgoingMessage]:
        ...


@define
class _Inbound:
    """One event being handled: who sent it, their open conversation, the transaction."""

    event: InboundEvent
    identity: ChannelIdentity
    current: Conversation | None
    uow: UnitOfWork
    now: dt.datetime


Route = Callable[[_Inbound], list[OutgoingMessage]]


class InboundRouter:
    def __init__(self, *, engine: ConversationEngine, menu: Menu,
                 handlers: Sequence[ProcedureHandler], identity_provider: IdentityProvider,
                 status: StatusReport, ids: IdGenerator, clock: Clock,
                 cases: CaseInbox | None = None,
                 catalogue: ProcedureCatalogue | None = None) -> None:
        """`cases`: the inbox, for every procedure without a handler of its own (a finished
        one becomes a case; a case holding the chat takes the resident's messages).
        `catalogue`: the procedures staff built join the menu from it (ADR 0055)."""
        self.engine, self.menu, self.identity_provider, self.catalogue = (
            engine, menu, identity_provider, catalogue)
        self.status, self.ids, self.clock, self.cases = status, ids, clock, cases
        self.handlers = {handler.procedure_id: handler for handler in handlers}
        self.by_kind: dict[InboundKind, Route] = {  # postbacks: by their data, below
            InboundKind.FOLLOW: lambda inbound: self._menu_of(inbound).greeting(
                verified=self._verified(inbound)),
            InboundKind.UNFOLLOW: lambda inbound: [],
            InboundKind.TEXT: self._text,
            InboundKind.IMAGE: self._image,
            InboundKind.LOCATION: self._location,
            InboundKind.OTHER: lambda inbound: [self._menu(inbound)],
        }
        self.by_data: dict[str, Route] = {
            MENU_DATA: self._back_to_menu,
            STATUS_DATA: lambda inbound: self.status(inbound.identity, uow=inbound.uow),
        }
        self.by_prefix: list[tuple[str, Route]] = [
            (START_PREFIX, lambda inbound: self._start_from_menu(
                inbound, inbound.event.data.removeprefix(START_PREFIX))),
            (pb.PREFIX, self._answer),
            (PAGE_PREFIX, self._menu_page),
            (TAP_PREFIX, self._notice_tap),  # a notice's button: counted, then its procedure
            (SWITCH_PREFIX, lambda inbound: []),  # LINE switched the rich menu: nothing to say
            *((handler.postback_prefix, self._handler_postback(handler))
              for handler in handlers),
        ]

    # -- the transaction ---------------------------------------------------------------------

    def handle(self, event: InboundEvent, *, uow: UnitOfWork, inbox_id: str | None = None,
               ) -> bool:
        """False: handled before (nothing changed). Two events of one resident racing (a new
        identity, the same conversation) make the later one start again from a fresh read;
        nothing is half-written. `inbox_id`: the webhook's row (else it is stored here)."""
        for attempt in range(ATTEMPTS):
            try:
                return self._handle_once(event, uow, inbox_id)
            except (ConcurrentUpdate, DuplicateError):
                if attempt == ATTEMPTS - 1:
                    raise
        return False  # not reached

    def _handle_once(self, event: InboundEvent, uow: UnitOfWork, inbox_id: str | None) -> bool:
        now = self.clock.now()
        with uow:
            # Read first, write last: on SQLite the write lock is then held only briefly.
            identity = uow.channel_identities.get_by_address(event.channel, event.address)
            current = None
            if identity is None:
                identity = ChannelIdentity.first_seen(id=self.ids.new_id(),
                                                      channel=event.channel,
                                                      address=event.address, at=now)
                uow.channel_identities.add(identity)
            else:
                current = uow.conversations.current_for(identity.id)
            if event.kind is InboundKind.UNFOLLOW:
                identity.block(now)
            else:
                identity.follow(now)  # any message means they follow us (again)
            messages = self.route(event)(_Inbound(event, identity, current, uow, now))
            # The inbox last, after every read (SQLite's write lock is then held briefly).
            if inbox_id is not None and not uow.inbox.mark_processed(inbox_id, now=now):
                return False  # handled before, or an earlier event waits: all rolls back
            if inbox_id is None:
                uow.inbox.add(InboxEvent(id=self.ids.new_id(), source=event.channel,
                                         external_id=event.external_id, received_at=now,
                                         payload={"kind": event.kind.value},
                                         processed_at=now, address=event.address))
            if messages:
                uow.outbox.add(OutboxMessage.of(
                    messages, id=self.ids.new_id(), channel=event.channel, at=now,
                    recipient=event.address, reply_token=event.reply_token,
                    reply_token_at=event.received_at))
            try:
                uow.commit()
            except DuplicateError as error:
                if "inbox" in error.constraint:  # handled before, or by a delivery that won
                    return False
                raise
        return True

    def route(self, event: InboundEvent) -> Route:
        """The one route an event takes: 本人確認 from anywhere, a postback by its data, anything
        else by its kind."""
        if self.menu.asks_to_verify(event.kind is InboundKind.TEXT, event.text, event.data):
            return self._verify
        if event.kind is not InboundKind.POSTBACK:
            return self.by_kind[event.kind]
        return self._route_of_data(event.data)

    def _route_of_data(self, data: str) -> Route:
        exact = self.by_data.get(data)
        if exact is not None:
            return exact
        return next((route for prefix, route in self.by_prefix
                     if data.startswith(prefix)), self._stale)

    # -- routes ------------------------------------------------------------------------------

    @staticmethod
    def _verified(inbound: _Inbound) -> bool:
        """The resident behind this account verified with the card (and need not again)."""
        resident_id = inbound.identity.resident_id
        if resident_id is None:
            return False
        resident = inbound.uow.residents.get(resident_id)
        return resident is not None and resident.is_verified

    @staticmethod
    def _known_facts(inbound: _Inbound) -> dict[str, str]:
        """What the town holds for a verified resident, so a dialog need not ask it again."""
        resident_id = inbound.identity.resident_id
        resident = inbound.uow.residents.get(resident_id) if resident_id else None
        if resident is None or not resident.is_verified or resident.facts is None:
            return {}
        facts = resident.facts
        return {"name": facts.name.name, "kana": facts.name.kana or "",
                "address": facts.address.text,
                "birth_date": facts.date_of_birth.value.isoformat()}

    def _menu_of(self, inbound: _Inbound) -> Menu:
        """The menu on this resident's channel: the procedures staff built there join it."""
        if self.catalogue is None:
            return self.menu
        return built.menu_for(self.menu, self.catalogue, inbound.event.channel)

    def _menu(self, inbound: _Inbound) -> OutgoingMessage:
        return self._menu_of(inbound).menu(verified=self._verified(inbound))

    def _verify(self, inbound: _Inbound) -> list[OutgoingMessage]:
        """本人確認: the attempt is stored by the provider on its own, before any write here (a
        repeat of this event leaves an unused attempt that simply expires)."""
        verification = self.identity_provider.start(identity_id=inbound.identity.id,
                                                    purpose="registration", return_to="")
        return [OutgoingMessage(
            text="マイナンバーカードで本人確認をします。下のボタンから進み、10分以内に完了して"
                 "ください。終わったら、こちらに結果をお知らせします。",
            choices=(Choice(label="本人確認をはじめる", data="", url=verification.url),),
            style=MessageStyle.BUTTONS, alt_text="本人確認のご案内")]

    def _menu_page(self, inbound: _Inbound) -> list[OutgoingMessage]:
        """Another page of a long menu."""
        number = inbound.event.data.removeprefix(PAGE_PREFIX)
        return [self._menu_of(inbound).menu(verified=self._verified(inbound),
                                            page=int(number) if number.isdecimal() else 1)]

    def _back_to_menu(self, inbound: _Inbound) -> list[OutgoingMessage]:
        """「メニュー」: the bot is back (a case that held the chat lets go of it)."""
        if self.cases is not None:
            self.cases.let_go(inbound.identity, uow=inbound.uow)
        return [self._menu(inbound)]

    def _to_case(self, inbound: _Inbound, *, text: str = "",
                 photo_ref: str | None = None) -> list[OutgoingMessage] | None:
        """What the resident wrote outside a dialog goes to the case holding their chat, if
        one does (None: the bot answers)."""
        if self.cases is None:
            return None
        written = self.cases.written(inbound.identity, text=text, photo_ref=photo_ref,
                                     uow=inbound.uow, ids=self.ids, now=inbound.now)
        if written is None:
            return None
        return [*written.messages, *([self._menu(inbound)] if written.offer_menu else [])]

    def _stale(self, inbound: _Inbound) -> list[OutgoingMessage]:
        return [OutgoingMessage(text=STALE_BUTTON), self._menu(inbound)]

    def _text(self, inbound: _Inbound) -> list[OutgoingMessage]:
        text, current = inbound.event.text, inbound.current
        if current is None and self.menu.asks_for_menu(text):
            into_case = None if self.menu.leaves_a_case(text) else self._to_case(inbound,
                                                                                  text=text)
            return into_case if into_case is not None else self._back_to_menu(inbound)
        if current is None and self.menu.asks_for_status(text):
            return self.status(inbound.identity, uow=inbound.uow)
        tapped = self.menu.postback_for_text(text) if current is None else None
        if tapped is not None:  # typed what a button says: as if it were tapped
            inbound.event = attrs.evolve(inbound.event, data=tapped)
            return self._route_of_data(tapped)(inbound)
        if current is not None:
            return self._continue(inbound, current, Input.typed(text))
        code = built.trial_code(text)
        if code is not None and self.catalogue is not None:
            return self._try_draft(inbound, code)
        into_case = self._to_case(inbound, text=text)
        if into_case is not None:
            return into_case
        procedure_id = self._menu_of(inbound).procedure_for_text(text)
        if procedure_id is not None:
            return self._start_from_menu(inbound, procedure_id)
        return [self._menu(inbound)]

    def _image(self, inbound: _Inbound) -> list[OutgoingMessage]:
        if inbound.current is None:
            into_case = self._to_case(inbound, photo_ref=inbound.event.image_ref or None)
            return into_case if into_case is not None else [self._menu(inbound)]
        return self._continue(inbound, inbound.current, Input.photo(inbound.event.image_ref))

    def _location(self, inbound: _Inbound) -> list[OutgoingMessage]:
        event = inbound.event
        if inbound.current is None:  # a place sent to staff (「正確な場所を送ってください」)
            into_case = self._to_case(inbound, text=_place_text(event))
            return into_case if into_case is not None else [self._menu(inbound)]
        return self._continue(inbound, inbound.current,
                              Input.located(event.latitude, event.longitude, event.text))

    def _answer(self, inbound: _Inbound) -> list[OutgoingMessage]:
        """A tap on a button of the open dialog. A second tap on the last button of a dialog
        that has just finished (a double tap: the first one won) is told it was received."""
        if inbound.current is None:
            latest = inbound.uow.conversations.latest_for(inbound.identity.id)
            tapped = pb.parse_postback(inbound.event.data)
            if latest is not None and tapped is not None and tapped.turn == latest.turn \
                    and latest.status is ConversationStatus.COMPLETED:
                return [OutgoingMessage(text=ALREADY_DONE)]
            return self._stale(inbound)
        return self._continue(inbound, inbound.current, Input.tapped(inbound.event.data))

    def _handler_postback(self, handler: ProcedureHandler) -> Route:
        def route(inbound: _Inbound) -> list[OutgoingMessage]:
            replies = handler.on_postback(
                inbound.event.data, inbound.identity, uow=inbound.uow, ids=self.ids,
                now=inbound.now, start=lambda procedure_id, conversation_id: self._start(
                    inbound, procedure_id, conversation_id))
            return self._stale(inbound) if replies is None else replies
        return route

    def _notice_tap(self, inbound: _Inbound) -> list[OutgoingMessage]:
        tap = tap_of(inbound.event.data)
        notice = tap and record_tap(inbound.uow, tap[0], inbound.identity, inbound.now)
        button = notice.button(tap[1]) if notice and tap else None
        if button is None or button.procedure_id is None:
            return self._stale(inbound)
        return self._start_from_menu(inbound, button.procedure_id)

    # -- dialogs -----------------------------------------------------------------------------

    def _start_from_menu(self, inbound: _Inbound, procedure_id: str) -> list[OutgoingMessage]:
        handler = self.handlers.get(procedure_id)
        if handler is not None and not handler.from_menu:
            return [self._menu(inbound)]  # started by its own buttons only
        refused, version = ((handler.before_start(inbound.identity, uow=inbound.uow,
                                                  now=inbound.now), None) if handler
                            else self._built_refusal(inbound, procedure_id))
        if refused is not None:
            return refused
        return self._start(inbound, procedure_id, self.ids.new_id(), version=version)

    def _built_refusal(self, inbound: _Inbound, procedure_id: str,
                       ) -> tuple[list[OutgoingMessage] | None, int | None]:
        """A procedure staff built: offered here, to this resident, with room left? And the
        version that was checked (the one it starts on)."""
        if self.catalogue is None or procedure_id in self.catalogue.builtins:
            return None, None
        published = self.catalogue.published(procedure_id)
        procedure = self.catalogue.version(procedure_id, published.version) if published \
            else None
        if published is None or procedure is None:
            return [OutgoingMessage(text=built.NOT_OFFERED), self._menu(inbound)], None
        refused = built.refusal(published, procedure, inbound.identity, uow=inbound.uow,
                                now=inbound.now)
        return (None if refused is None else [*refused, self._menu(inbound)]), published.version

    def _try_draft(self, inbound: _Inbound, code: str) -> list[OutgoingMessage]:
        """「試す <code>」: staff try a draft before it is published (nothing is submitted)."""
        store = self.catalogue.store if self.catalogue is not None else None
        procedure_id = store.trial(code, inbound.now) if store is not None else None
        if procedure_id is None:
            return [OutgoingMessage(text=built.TRIAL_UNKNOWN), self._menu(inbound)]
        return self._start(inbound, procedure_id, self.ids.new_id(), version=DRAFT)

    def _start(self, inbound: _Inbound, procedure_id: str, conversation_id: str, *,
               version: int | None = None) -> list[OutgoingMessage]:
        current = inbound.current
        if current is not None and current.id == conversation_id:  # already open: resume it
            return list(self.engine.resume(current).messages)
        try:
            turn = self.engine.start(conversation_id, inbound.identity.id, procedure_id,
                                     known=self._known_facts(inbound), version=version)
        except DomainError as error:
            return [OutgoingMessage(text=error.message), self._menu(inbound)]
        if current is not None:  # starting something new ends what was open
            current.cancel(now=inbound.now)
            self._cancelled(inbound, current)
        inbound.uow.conversations.add(turn.conversation)
        inbound.current = turn.conversation
        return list(turn.messages)

    def _continue(self, inbound: _Inbound, conversation: Conversation,
                  received: Input) -> list[OutgoingMessage]:
        turn = self.engine.handle(conversation, received)
        handler = self._handler_of(conversation.procedure_id)
        if turn.cancelled:
            self._cancelled(inbound, conversation)
        if turn.finished and handler is not None:
            return handler.on_finish(conversation, turn.answers, inbound.identity,
                                     said=turn.messages, uow=inbound.uow, ids=self.ids,
                                     now=inbound.now)
        return list(turn.messages)

    def _handler_of(self, procedure_id: str) -> ProcedureHandler | None:
        """The procedure's own handler, else the inbox's (a finished procedure is a case)."""
        return self.handlers.get(procedure_id) or self.cases

    def _cancelled(self, inbound: _Inbound, conversation: Conversation) -> None:
        handler = self._handler_of(conversation.procedure_id)
        if handler is not None:
            handler.on_cancel(conversation, uow=inbound.uow, now=inbound.now)


def _place_text(event: InboundEvent) -> str:
    """A location message as the case's thread shows it."""
    point = f"緯度{event.latitude}, 経度{event.longitude}"
    return f"位置情報: {event.text}（{point}）" if event.text else f"位置情報: {point}"
