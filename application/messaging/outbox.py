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

__all__ = ["OutboxMessage", "OutboxStatus"]


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENDING = "sending"  # claimed by a dispatcher
    SENT = "sent"
    FAILED = "failed"  # gave up: a permanent error (or the recipient blocked us), kept for staff

    @property
    def label(self) -> str:
        return {"pending": "送信待ち", "sending": "送信中", "sent": "送信済み",
                "failed": "送信不可"}[self.value]


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

    @classmethod
    def of(cls, messages: Sequence[OutgoingMessage], *, id: str, channel: str, recipient: str,
           at: dt.datetime, reply_token: str | None = None) -> OutboxMessage:
        """The one way to queue messages for someone: the channel-neutral messages, encoded for
        the outbox, to one address on one channel. Who is told is decided before this
        (`application.messaging.telling`); a reply to an inbound event passes its token. The
        request id bound while it is written goes with it (application/correlation.py)."""
        payload: dict[str, Any] = {"messages": messages_to_json(list(messages))}
        request_id = current_request_id()
        if request_id is not None:
            payload["request_id"] = request_id
        return cls(id=id, channel=channel, recipient=recipient, created_at=at,
                   payload=payload, reply_token=reply_token)

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

    def mark_sent(self, at: dt.datetime) -> None:
        self.status, self.sent_at = OutboxStatus.SENT, at
        self.last_error = ""

    def mark_failed(self, error: str) -> None:
        """A permanent failure: a 4xx that retrying will not change, or a blocked recipient."""
        self.status, self.last_error = OutboxStatus.FAILED, error

    def retry_later(self, error: str, *, at: dt.datetime) -> None:
        self.status, self.last_error, self.next_attempt_at = OutboxStatus.PENDING, error, at
