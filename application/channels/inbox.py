"""The inbox: what arrives, stored under its external id (LINE's webhookEventId, …); the
database refuses a second copy, so a redelivery or a double tap changes nothing. A LINE event is
stored by the webhook before it is handled (the row is the work item, ADR 0062); the other
channels store theirs in the transaction that handles it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import define, field, frozen

from application.channels.inbound import InboundEvent

__all__ = ["InboxEvent", "PendingEvent"]


@define(slots=False, eq=False)
class InboxEvent:
    id: str
    source: str  # line, paypay, bank, …
    external_id: str  # unique per source (LINE's webhookEventId, …)
    received_at: dt.datetime
    payload: dict[str, Any] = field(factory=dict)
    processed_at: dt.datetime | None = None
    address: str | None = None  # who sent it: a resident's events are handled in order


@frozen
class PendingEvent:
    """An inbox row waiting to be handled: the event as received, and how often it failed."""

    id: str
    event: InboundEvent
    attempts: int = 0
    next_attempt_at: dt.datetime | None = None
