"""The fallback ladder (ADR 0041): a notice whose channel fails for good (blocked on LINE, an
unknown number, a hard bounce) is carried on, in the same transaction that records the failure,
to the person's next reachable channel of the town's ladder: the same messages, a new outbox row
that points to the first (`fallback_of`), at most once per rung. The identity that failed for
good is marked as such (blocked, or unreachable), so no later notice tries it. When no rung is
left, nothing is queued: the household stands on the campaign's postal list (郵送).

Only notices move (`OutboxMessage.is_notice`): a reply in a dialog or a code sent to one address
belongs to that channel."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from application.messaging.ladder import ladder_in
from application.messaging.outbox import OutboxMessage
from application.ports.messaging import DeliveryOutcome
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity, Ladder

__all__ = ["carry_on", "next_rung", "rung_id", "shut_address"]


def rung_id(notice_id: str, channel: str) -> str:
    """The outbox id of a notice on another rung: the same for the same notice and channel, so
    a failure recorded twice (a redelivered callback, a retried record) queues it once."""
    return hashlib.sha256(f"{notice_id}:{channel}".encode()).hexdigest()[:32]


def next_rung(ladder: Ladder, tried: set[str],
              identities: Iterable[ChannelIdentity]) -> ChannelIdentity | None:
    """The person's identity on the first rung not tried yet that reaches them (the most recently
    confirmed one on that channel), or None: only the postal list is left."""
    reachable = [identity for identity in identities if identity.reachable]
    for channel in ladder.after(tried):
        on_channel = [identity for identity in reachable if identity.channel == channel]
        if on_channel:
            return max(on_channel, key=lambda i: (i.status_changed_at or i.created_at, i.id))
    return None


def shut_address(uow: UnitOfWork, message: OutboxMessage, outcome: DeliveryOutcome,
                 at: dt.datetime) -> ChannelIdentity | None:
    """Mark the identity the message failed on when the failure is about the address (BLOCKED):
    blocked on LINE (the recipient blocked the account), unreachable elsewhere (an unknown
    number, a mailbox that does not exist: 550 at RCPT). REJECTED is about this message or the
    request (a mail refused at DATA, 552 too big or 554 its content; an SMS request Twilio
    refuses, a LINE 400) and marks nothing: the next notice tries the address again. Either way
    the notice itself moves on (`carry_on`). Returns the identity, if known."""
    identity = uow.channel_identities.get_by_address(message.channel, message.recipient)
    if identity is None:
        return None
    if outcome is DeliveryOutcome.BLOCKED and message.channel == "line":
        identity.block(at)
    elif outcome is DeliveryOutcome.BLOCKED:
        identity.mark_unreachable(at)
    return identity


def carry_on(uow: UnitOfWork, message: OutboxMessage, identity: ChannelIdentity | None,
             at: dt.datetime) -> OutboxMessage | None:
    """Queue the failed notice on the person's next rung (in the caller's unit of work); None
    when it is not a notice, its person is unknown, or no rung is left (the postal list)."""
    if not message.is_notice or identity is None or identity.resident_id is None:
        return None
    notice_id = message.fallback_of or message.id
    rungs = uow.outbox.rungs_of(notice_id)
    if any(r.fallback_of == notice_id and r.created_at >= message.created_at
           and r.id != message.id for r in rungs):
        return None  # this failure was already carried on
    chosen = next_rung(ladder_in(uow), {r.channel for r in rungs},
                       uow.channel_identities.linked_to(identity.resident_id))
    if chosen is None:
        return None
    carried = message.carried_on(id=rung_id(notice_id, chosen.channel), channel=chosen.channel,
                                 recipient=chosen.address, at=at)
    uow.outbox.add(carried)
    return carried
