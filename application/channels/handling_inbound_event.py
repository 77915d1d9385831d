"""Handle one inbound event exactly once: store it in the inbox, update the resident's channel
identity and conversation, and write the replies to the outbox, all in one transaction.

A redelivered event (same external id) hits the inbox's unique constraint when it commits and
is rolled back whole, as is the second of two concurrent deliveries: nothing of it stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from application.benefits.answering_notice import answer_notice
from application.benefits.entering_account import finish_account_dialog
from application.benefits.notices import parse_notice_tap
from application.benefits.reporting_status import STATUS_WORDS, status_messages
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import MENU_DATA, START_PREFIX, STATUS_DATA, Menu
from application.channels.procedure_handlers import ProcedureHandler
from application.conversations.engine import ConversationEngine
from application.conversations.inputs import Input
from application.conversations.library import BENEFIT_ACCOUNT
from application.conversations.postbacks import is_dialogue_postback
from application.conversations.state import Conversation
from application.messaging.codec import messages_to_json
from application.outbox import InboxEvent, OutboxMessage
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.identity import IdentityProvider
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.channels import ChannelIdentity
from domain.errors import DomainError

__all__ = ["handle_inbound_event"]

STALE_BUTTON = "そのボタンの手続きはすでに終わっています。"
# Procedures a resident cannot start from the menu: they belong to something else (the account
# dialog to a benefit notice) and are started by it.
STARTED_ELSEWHERE = {BENEFIT_ACCOUNT.id}


ATTEMPTS = 3


def handle_inbound_event(event: InboundEvent, *, uow: UnitOfWork, engine: ConversationEngine,
                         ids: IdGenerator, clock: Clock, menu: Menu,
                         identity_provider: IdentityProvider,
                         banks: BankMaster | None = None,
                         handlers: Sequence[ProcedureHandler] = ()) -> bool:
    """Returns False when the event had been handled before (nothing changed). Two events of
    one resident racing each other (a new identity, the same conversation) make the later one
    start again from a fresh read; nothing is half-written."""
    for attempt in range(ATTEMPTS):
        try:
            return _handle_once(event, uow=uow, engine=engine, ids=ids, clock=clock, menu=menu,
                                identity_provider=identity_provider, banks=banks,
                                handlers=handlers)
        except (ConcurrentUpdate, DuplicateError):
            if attempt == ATTEMPTS - 1:
                raise
    return False  # not reached


def _handle_once(event: InboundEvent, *, uow: UnitOfWork, engine: ConversationEngine,
                 ids: IdGenerator, clock: Clock, menu: Menu,
                 identity_provider: IdentityProvider, banks: BankMaster | None,
                 handlers: Sequence[ProcedureHandler] = ()) -> bool:
    now = clock.now()
    with uow:
        # Read first, write last: on SQLite the write lock is then held only briefly.
        identity = uow.channel_identities.get_by_address(event.channel, event.address)
        if identity is None:
            identity = ChannelIdentity.first_seen(id=ids.new_id(), channel=event.channel,
                                                  address=event.address, at=now)
            uow.channel_identities.add(identity)
            current = None
        else:
            current = uow.conversations.current_for(identity.id)
        verification = None
        if menu.asks_to_verify(event.kind is InboundKind.TEXT, event.text, event.data):
            # Before any write here: the attempt is stored on its own (a repeat of this event
            # leaves an unused attempt that simply expires).
            verification = identity_provider.start(identity_id=identity.id,
                                                   purpose="registration", return_to="")
        if verification is not None:
            identity.follow(now)
            messages = [_verification_invite(verification.url)]
        else:
            messages = _respond(event, identity, current, uow=uow, engine=engine, ids=ids,
                                now=now, menu=menu, banks=banks, handlers=_Handlers(handlers))
        # The inbox row last, after every read: added earlier, a read would flush it and a
        # repeat would fail there instead of at commit (and hold SQLite's write lock longer).
        try:  # the inbox refuses a second copy (at commit): no separate look-up first
            uow.inbox.add(InboxEvent(id=ids.new_id(), source=event.channel,
                                     external_id=event.external_id, received_at=now,
                                     payload={"kind": event.kind.value}, processed_at=now))
        except DuplicateError as error:
            if _is_inbox(error):  # handled before, or by a concurrent delivery that won
                return False
            raise
        if messages:
            uow.outbox.add(OutboxMessage(
                id=ids.new_id(), channel=event.channel, recipient=event.address,
                payload={"messages": messages_to_json(messages)}, created_at=now,
                reply_token=event.reply_token))
        try:
            uow.commit()
        except DuplicateError as error:
            if _is_inbox(error):
                return False
            raise
    return True


def _verification_invite(url: str) -> OutgoingMessage:
    return OutgoingMessage(
        text="マイナンバーカードで本人確認をします。下のボタンから進み、10分以内に完了して"
             "ください。終わったらこのトークに結果をお知らせします。",
        choices=(Choice(label="本人確認をはじめる", data="", url=url),),
        style=MessageStyle.BUTTONS, alt_text="本人確認のご案内")


def _is_inbox(error: DuplicateError) -> bool:
    return "inbox" in error.constraint


class _Handlers:
    """The procedure handlers that act around the dialog (see procedure_handlers.py)."""

    def __init__(self, handlers: Sequence[ProcedureHandler]) -> None:
        self.by_procedure = {handler.procedure_id: handler for handler in handlers}

    def get(self, procedure_id: str) -> ProcedureHandler | None:
        return self.by_procedure.get(procedure_id)

    def for_postback(self, data: str) -> ProcedureHandler | None:
        return next((h for h in self.by_procedure.values()
                     if data.startswith(h.postback_prefix)), None)


def _respond(event: InboundEvent, identity: ChannelIdentity, current: Conversation | None, *,
             uow: UnitOfWork, engine: ConversationEngine, ids: IdGenerator, now: dt.datetime,
             menu: Menu, banks: BankMaster | None, handlers: _Handlers) -> list[OutgoingMessage]:
    if event.kind is InboundKind.UNFOLLOW:
        identity.block(now)
        return []
    identity.follow(now)  # any message means they follow us (again)
    if event.kind is InboundKind.FOLLOW:
        return menu.greeting()

    if event.kind is InboundKind.POSTBACK:
        if event.data.startswith(START_PREFIX):
            return _start(event.data.removeprefix(START_PREFIX), identity, current, uow=uow,
                          engine=engine, ids=ids, now=now, menu=menu, handlers=handlers)
        if event.data == MENU_DATA:
            return [menu.menu()]
        if event.data == STATUS_DATA:
            return status_messages(identity, uow=uow)
        tap = parse_notice_tap(event.data)
        if tap is not None:
            return answer_notice(tap, identity, uow=uow, engine=engine, ids=ids, now=now,
                                 banks=banks)
        handler = handlers.for_postback(event.data)
        if handler is not None:
            return handler.on_postback(event.data, identity, uow=uow, ids=ids, now=now)
        if is_dialogue_postback(event.data) and current is not None:
            return _continue(current, Input.tapped(event.data), engine=engine, identity=identity,
                             uow=uow, ids=ids, now=now, handlers=handlers)
        return [OutgoingMessage(text=STALE_BUTTON), menu.menu()]

    if event.kind is InboundKind.TEXT:
        if menu.asks_for_menu(event.text) and current is None:
            return [menu.menu()]
        if event.text.strip() in STATUS_WORDS and current is None:
            return status_messages(identity, uow=uow)
        if current is not None:
            return _continue(current, Input.typed(event.text), engine=engine, identity=identity,
                             uow=uow, ids=ids, now=now, handlers=handlers)
        procedure_id = menu.procedure_for_text(event.text)
        if procedure_id is not None:
            return _start(procedure_id, identity, current, uow=uow, engine=engine, ids=ids,
                          now=now, menu=menu, handlers=handlers)
        return [menu.menu()]

    if event.kind is InboundKind.IMAGE and current is not None:
        return _continue(current, Input.photo(event.image_ref), engine=engine,
                         identity=identity, uow=uow, ids=ids, now=now, handlers=handlers)
    return [menu.menu()]


def _start(procedure_id: str, identity: ChannelIdentity, current: object, *, uow: UnitOfWork,
           engine: ConversationEngine, ids: IdGenerator, now: dt.datetime,
           menu: Menu, handlers: _Handlers) -> list[OutgoingMessage]:
    if procedure_id in STARTED_ELSEWHERE:
        return [menu.menu()]
    handler = handlers.get(procedure_id)
    refused = handler.before_start(identity, uow=uow, now=now) if handler else None
    if refused is not None:
        return refused
    try:
        turn = engine.start(ids.new_id(), identity.id, procedure_id)
    except DomainError as error:
        return [OutgoingMessage(text=error.message), menu.menu()]
    if current is not None:  # starting something new ends what was open
        current.cancel(now=now)  # type: ignore[attr-defined]
    uow.conversations.add(turn.conversation)
    return list(turn.messages)


def _continue(conversation: Conversation, received: Input, *, engine: ConversationEngine,
              identity: ChannelIdentity, uow: UnitOfWork, ids: IdGenerator, now: dt.datetime,
              handlers: _Handlers) -> list[OutgoingMessage]:
    turn = engine.handle(conversation, received)
    messages = list(turn.messages)
    if conversation.procedure_id == BENEFIT_ACCOUNT.id:
        if turn.finished:
            messages += finish_account_dialog(conversation.id, turn.answers, uow=uow, now=now)
        elif turn.cancelled:
            application = uow.applications.get_by_account_conversation(conversation.id)
            if application is not None:
                application.account_conversation_id = None
        return messages
    handler = handlers.get(conversation.procedure_id)
    if turn.finished and handler is not None:
        return handler.on_finish(turn.answers, identity, uow=uow, ids=ids, now=now)
    return messages
