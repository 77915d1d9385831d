"""What a resident's browser brings to the web channel besides taps and typing: a personal link
opened on its message, and a photo (ADR 0038)."""

from __future__ import annotations

from collections.abc import Sequence

from application.attachments import StoredAttachment
from application.channels.web_sign_in import WEB, web_identity_for
from application.messaging.codec import messages_from_json
from application.messaging.outbox import OutboxMessage
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import UnitOfWork

__all__ = ["keep_photo", "linked_messages", "open_on_message"]


def linked_messages(message_id: str | None, *, uow: UnitOfWork) -> list[OutgoingMessage]:
    """The messages of the outbox row a link was sent in (none for a sign-in link)."""
    if not message_id:
        return []
    with uow:
        row = uow.outbox.get(message_id)
        payload = dict(row.payload) if row is not None else {}
    return messages_from_json(payload.get("messages") or [])


def open_on_message(identity_id: str | None, messages: Sequence[OutgoingMessage], *,
                    uow: UnitOfWork, ids: IdGenerator, clock: Clock) -> str:
    """A used link signs the browser in as the web identity of the recipient's resident, with
    the link's message put on their page (its buttons answer there too). The address."""
    with uow:
        web = web_identity_for(identity_id, uow=uow, ids=ids, clock=clock)
        if messages:
            uow.outbox.add(OutboxMessage.of(messages, id=ids.new_id(), channel=WEB,
                                            recipient=web.address, at=clock.now()))
        uow.commit()
        return web.address


def keep_photo(content: bytes, content_type: str, *, uow: UnitOfWork, ids: IdGenerator,
               clock: Clock) -> str:
    """A photo sent from the page, kept encrypted as a LINE image is; the reference the IMAGE
    event carries (web:<id>)."""
    attachment_id = ids.new_id()
    ref = f"web:{attachment_id}"
    with uow:
        uow.attachments.add(StoredAttachment(id=attachment_id, ref=ref,
                                             content_type=content_type, content=content,
                                             fetched_at=clock.now()))
        uow.commit()
    return ref
