"""The inbox: what arrives, stored under its external id (LINE's webhookEventId, …) in the
transaction that handles it; the database refuses a second copy, so a redelivery or a double tap
changes nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import define, field

__all__ = ["InboxEvent"]


@define(slots=False, eq=False)
class InboxEvent:
    id: str
    source: str  # line, paypay, bank, …
    external_id: str  # unique per source (LINE's webhookEventId, …)
    received_at: dt.datetime
    payload: dict[str, Any] = field(factory=dict)
    processed_at: dt.datetime | None = None
