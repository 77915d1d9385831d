"""Handle one inbound event exactly once: store it in the inbox, update the resident's channel
identity and conversation, and write the replies to the outbox, all in one transaction.

A redelivered event (same external id) finds its inbox row and changes nothing; of two
concurrent deliveries, the second one's commit hits the inbox's unique constraint and is
rolled back whole.
"""

from __future__ import annotations

import datetime as dt

from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import MENU_DATA, START_PREFIX, Menu
from application.conversations.engine import ConversationEngine
from application.conversations.inputs import Input
from application.conversations.postbacks import is_dialogue_postback
from application.messaging.codec import messages_to_json
from application.outbox import InboxEvent, OutboxMessage
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.channels import ChannelIdentity
from domain.errors import DomainError

__all__ = ["handle_inbound_event"]

STALE_BUTTON = "そのボタンの手続きはすでに終わっています。"


def handle_inbound_event(event: InboundEvent, *, uow: UnitOfWork, engine: ConversationEngine,
                         ids: IdGenerator, clock: Clock, menu: Menu) -> bool:
    """Returns False when the event had been handled before (nothing changed)."""
    now = clock.now()
    with uow:
        if uow.inbox.seen(event.channel, event.external_id):
            return False
        try:
            uow.inbox.add(InboxEvent(id=ids.new_id(), source=event.channel,
                                     external_id=event.external_id, received_at=now,
                                     payload={"kind": event.kind.value}, processed_at=now))
        except DuplicateError:  # the same event, delivered twice at once: the other one won
            return False
        identity = uow.channel_identities.get_by_address(event.channel, event.address)
        if identity is None:
            identity = ChannelIdentity.first_seen(id=ids.new_id(), channel=event.channel,
                                                  address=event.address, at=now)
            uow.channel_identities.add(identity)
        messages = _respond(event, identity, uow=uow, engine=engine, ids=ids, now=now,
                            menu=menu)
        if messages:
            uow.outbox.add(OutboxMessage(
                id=ids.new_id(), channel=event.channel, recipient=event.address,
                payload={"messages": messages_to_json(messages)}, created_at=now,
                reply_token=event.reply_token))
        try:
            uow.commit()
        except DuplicateError:  # the same event, delivered twice at once: the other one won
            return False
    return True


def _respond(event: InboundEvent, identity: ChannelIdentity, *, uow: UnitOfWork,
             engine: ConversationEngine, ids: IdGenerator, now: dt.datetime,
             menu: Menu) -> list[OutgoingMessage]:
    if event.kind is InboundKind.UNFOLLOW:
        identity.block(now)
        return []
    identity.follow(now)  # any message means they follow us (again)
    if event.kind is InboundKind.FOLLOW:
        return menu.greeting()

    current = uow.conversations.current_for(identity.id)
    if event.kind is InboundKind.POSTBACK:
        if event.data.startswith(START_PREFIX):
            return _start(event.data.removeprefix(START_PREFIX), identity, current, uow=uow,
                          engine=engine, ids=ids, now=now, menu=menu)
        if event.data == MENU_DATA:
            return [menu.menu()]
        if is_dialogue_postback(event.data) and current is not None:
            return _continue(current, Input.tapped(event.data), engine=engine)
        return [OutgoingMessage(text=STALE_BUTTON), menu.menu()]

    if event.kind is InboundKind.TEXT:
        if menu.asks_for_menu(event.text) and current is None:
            return [menu.menu()]
        if current is not None:
            return _continue(current, Input.typed(event.text), engine=engine)
        procedure_id = menu.procedure_for_text(event.text)
        if procedure_id is not None:
            return _start(procedure_id, identity, current, uow=uow, engine=engine, ids=ids,
                          now=now, menu=menu)
        return [menu.menu()]

    if event.kind is InboundKind.IMAGE and current is not None:
        return _continue(current, Input.photo(event.image_ref), engine=engine)
    return [menu.menu()]


def _start(procedure_id: str, identity: ChannelIdentity, current: object, *, uow: UnitOfWork,
           engine: ConversationEngine, ids: IdGenerator, now: dt.datetime,
           menu: Menu) -> list[OutgoingMessage]:
    try:
        turn = engine.start(ids.new_id(), identity.id, procedure_id)
    except DomainError as error:
        return [OutgoingMessage(text=error.message), menu.menu()]
    if current is not None:  # starting something new ends what was open
        current.cancel(now=now)  # type: ignore[attr-defined]
    uow.conversations.add(turn.conversation)
    return list(turn.messages)


def _continue(conversation: object, received: Input, *,
              engine: ConversationEngine) -> list[OutgoingMessage]:
    turn = engine.handle(conversation, received)  # type: ignore[arg-type]
    return list(turn.messages)
