"""The outbox: what leaves, written in the same transaction as the change that causes it.

A message written to the outbox is delivered later by a dispatcher with the outbox id as the
channel's idempotency key, so a crash between "confirmed" and "told" loses nothing and sends
nothing twice. Who is told is `telling.py`'s; `OutboxMessage.of` is the one way to queue
messages."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any

from attrs import define

from application.correlation import current_request_id
from application.messaging.codec import messages_to_json
from application.ports.messaging import OutgoingMessage

__all__ = ["MAX_MESSAGES_PER_REQUEST", "REPLY_TOKEN_BUDGET", "DeliveryStatus", "OutboxMessage",
           "OutboxStatus"]

MAX_MESSAGES_PER_REQUEST = 5  # LINE's reply and push take five messages at once
REPLY_TOKEN_BUDGET = dt.timedelta(seconds=50)  # LINE's reply tokens last about a minute


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"
    FAILED = "failed"  # gave up: a permanent error (or the recipient blocked us), kept for staff

    @property
    def label(self) -> str:
        return {"pending": "送信待ち", "sending": "送信中", "sent": "送信済み",
                "failed": "送信不可"}[self.value]


class DeliveryStatus(enum.Enum):
    """Where a message stands for the person it is for (as GOV.UK Notify): set by the delivery's
    outcome and, where a provider reports back, by its callbacks (ADR 0041)."""

    SENDING = "sending"  # queued, or handed to a provider that has not reported back yet
    DELIVERED = "delivered"
    TEMPORARY_FAILURE = "temporary-failure"  # the provider could not deliver it for now
    PERMANENT_FAILURE = "permanent-failure"  # blocked, unknown number, hard bounce
    TECHNICAL_FAILURE = "technical-failure"  # our side or the provider's failed: gave up

    @property
    def label(self) -> str:
        return {"sending": "送信中", "delivered": "配信済み", "temporary-failure": "一時的な不達",
                "permanent-failure": "届かない宛先", "technical-failure": "技術的な失敗"}[
                    self.value]

    @property
    def failed(self) -> bool:
        return self in (DeliveryStatus.PERMANENT_FAILURE, DeliveryStatus.TECHNICAL_FAILURE)


@define(slots=False, eq=False)
class OutboxMessage:
    id: str  # also the idempotency key sent to the channel (LINE's X-Line-Retry-Key)
    channel: str  # line, sms, mail, payout, …
    recipient: str  # a channel address (LINE user id, …), never a name
    # {"messages": [...]} as application.messaging.codec writes them, and "request_id": the
    # request (or job) that wrote the row, for the delivery's log lines
    payload: dict[str, Any]
    created_at: dt.datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str = ""
    sent_at: dt.datetime | None = None
    reply_token: str | None = None  # an inbound event's token: a free reply while it is fresh
    claimed_at: dt.datetime | None = None
    next_attempt_at: dt.datetime | None = None
    group_key: str | None = None  # sent together with others under this key; retried together
    delivery_status: DeliveryStatus = DeliveryStatus.SENDING
    # A notice carried on to the next rung of the ladder: the id of the notice it carries on
    # (the first row: all rungs of one notice point to it), at most one row per rung.
    fallback_of: str | None = None
    provider_ref: str | None = None  # the provider's id of the message (an SMS's SID)

    @classmethod
    def of(cls, messages: Sequence[OutgoingMessage], *, id: str, channel: str, recipient: str,
           at: dt.datetime, reply_token: str | None = None,
           reply_token_at: dt.datetime | None = None, notice: bool = False) -> OutboxMessage:
        """The one way to queue messages for someone: the channel-neutral messages, encoded for
        the outbox, to one address on one channel. Who is told is decided before this
        (`application.messaging.telling`); a reply to an inbound event passes its token. The
        request id bound while it is written goes with it (application/correlation.py). A
        `notice` (a message for a person, not a reply in a dialog or a code for one address)
        moves down the town's ladder when its channel fails for good. `reply_token_at`: when
        the event that brought the token arrived (its age counts from then, not from when it
        was handled); a token already past `REPLY_TOKEN_BUDGET` is not kept."""
        payload: dict[str, Any] = {"messages": messages_to_json(list(messages))}
        if reply_token is not None and reply_token_at is not None:
            if at - reply_token_at >= REPLY_TOKEN_BUDGET:
                reply_token = None
            else:
                payload["reply_token_at"] = reply_token_at.isoformat()
        if notice:
            payload["notice"] = True
        request_id = current_request_id()
        if request_id is not None:
            payload["request_id"] = request_id
        return cls(id=id, channel=channel, recipient=recipient, created_at=at,
                   payload=payload, reply_token=reply_token)

    def followed_by(self, messages: Sequence[OutgoingMessage]) -> bool:
        """Add `messages` after this one's, in the same request (so they arrive after it, in
        order), when it is not sent yet and the request stays within what a channel takes at
        once; False (nothing changed) otherwise."""
        current = list(self.payload.get("messages") or [])
        if self.status is not OutboxStatus.PENDING or self.attempts or self.group_key or \
                len(current) + len(messages) > MAX_MESSAGES_PER_REQUEST:
            return False
        self.payload = {**self.payload,
                        "messages": current + messages_to_json(list(messages))}
        return True

    @property
    def reply_token_issued_at(self) -> dt.datetime:
        """When the reply token came: the inbound event's arrival, else when this was written."""
        issued = self.payload.get("reply_token_at")
        return dt.datetime.fromisoformat(issued) if isinstance(issued, str) else self.created_at

    @property
    def is_notice(self) -> bool:
        return self.payload.get("notice") is True

    def carried_on(self, *, id: str, channel: str, recipient: str,
                   at: dt.datetime) -> OutboxMessage:
        """The same messages for the same person on the next rung of the ladder."""
        return OutboxMessage(id=id, channel=channel, recipient=recipient, created_at=at,
                             payload=dict(self.payload), fallback_of=self.fallback_of or self.id)

    def record_status(self, status: DeliveryStatus) -> bool:
        """A status reported later (a provider's callback): a final status is not undone by a
        late or repeated report, nor any status by a late "still sending" (callbacks come out
        of order). Returns whether it changed. One exception: "delivered" on a message no
        provider reports back on (no provider reference: SMTP, LINE) only says the channel
        accepted it, so a bounce reported later (a DSN) still makes it a permanent failure
        (ADR 0043); a provider's own "delivered" receipt stays final."""
        accepted_only = (self.delivery_status is DeliveryStatus.DELIVERED
                         and not self.provider_ref)
        if status is DeliveryStatus.SENDING or self.delivery_status is status or (
                self.delivery_status in (DeliveryStatus.DELIVERED,
                                         DeliveryStatus.PERMANENT_FAILURE)
                and not (accepted_only and status is DeliveryStatus.PERMANENT_FAILURE)):
            return False
        self.delivery_status = status
        return True

    @property
    def request_id(self) -> str | None:
        """The request (or job) that wrote this message, when one was bound."""
        found = self.payload.get("request_id")
        return found if isinstance(found, str) else None

    def due(self, *, now: dt.datetime, lease: dt.timedelta) -> bool:
        """Pending and not waiting for a back-off, or claimed by a dispatcher that vanished."""
        if self.status is OutboxStatus.PENDING:
            return self.next_attempt_at is None or self.next_attempt_at <= now
        return (self.status is OutboxStatus.SENDING and self.claimed_at is not None
                and now - self.claimed_at > lease)

    def claim(self, at: dt.datetime) -> None:
        self.status, self.claimed_at = OutboxStatus.SENDING, at
        self.attempts += 1

    def renew_claim(self, at: dt.datetime, *, attempt: int) -> bool:
        """Keep the claim of `attempt` alive while its dispatcher is still sending (False when
        the message was since handled or claimed again by another dispatcher)."""
        if self.status is not OutboxStatus.SENDING or self.attempts != attempt:
            return False
        self.claimed_at = at
        return True

    def mark_sent(self, at: dt.datetime, *, delivered: bool = True) -> None:
        """Accepted by the channel: delivered, or (a channel whose provider reports back)
        still sending until its callback says. A callback that came first with a permanent
        failure (the dispatcher records a batch after sending it all) is kept: still failed."""
        if self.delivery_status is DeliveryStatus.PERMANENT_FAILURE:
            self.sent_at = at
            return
        self.status, self.sent_at = OutboxStatus.SENT, at
        self.last_error = ""
        if delivered and self.delivery_status is DeliveryStatus.SENDING:
            self.delivery_status = DeliveryStatus.DELIVERED

    def mark_failed(self, error: str, *,
                    status: DeliveryStatus = DeliveryStatus.PERMANENT_FAILURE) -> None:
        """A permanent failure: a 4xx that retrying will not change, or a blocked recipient
        (or, with TECHNICAL_FAILURE, giving up after many attempts)."""
        self.status, self.last_error = OutboxStatus.FAILED, error
        self.delivery_status = status

    def retry_later(self, error: str, *, at: dt.datetime) -> None:
        self.status, self.last_error, self.next_attempt_at = OutboxStatus.PENDING, error, at
