"""Outbox (what leaves) and inbox (what arrives), written in the same transaction as the change.

A message written to the outbox is delivered later by a dispatcher with the outbox id as the
channel's idempotency key, so a crash between "confirmed" and "told" loses nothing and sends
nothing twice. An inbound event is stored under its external id first; a repeat is a no-op.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import define, field

__all__ = ["InboxEvent", "OutboxMessage", "OutboxStatus"]


class OutboxStatus(enum.Enum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up: a permanent error, recorded for staff


@define(slots=False, eq=False)
class OutboxMessage:
    id: str  # also the idempotency key sent to the channel (LINE's X-Line-Retry-Key)
    channel: str  # line, sms, mail, payout, …
    recipient: str  # a channel address (LINE user id, …), never a name
    payload: dict[str, Any]
    created_at: dt.datetime
    status: OutboxStatus = OutboxStatus.PENDING
    attempts: int = 0
    last_error: str = ""
    sent_at: dt.datetime | None = None

    def mark_sent(self, at: dt.datetime) -> None:
        self.status, self.sent_at = OutboxStatus.SENT, at
        self.attempts += 1

    def mark_attempt_failed(self, error: str, *, permanent: bool) -> None:
        self.attempts += 1
        self.last_error = error
        if permanent:
            self.status = OutboxStatus.FAILED


@define(slots=False, eq=False)
class InboxEvent:
    id: str
    source: str  # line, paypay, bank, …
    external_id: str  # unique per source (LINE's webhookEventId, …)
    received_at: dt.datetime
    payload: dict[str, Any] = field(factory=dict)
    processed_at: dt.datetime | None = None
