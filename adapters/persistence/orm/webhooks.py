"""Outbound webhooks (ADR 0071): the town's subscriptions (the secret encrypted), one delivery
per subscription and event (this feature's outbox), and the log of every attempt."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ENCRYPTED_TEXT, ID, metadata, writes_after
from adapters.persistence.types import EnumValue, JSONText, UTCDateTime
from domain.webhooks import (
    AttemptOutcome,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = ["map_webhooks", "webhook_attempts", "webhook_deliveries", "webhook_subscriptions"]

webhook_subscriptions = Table(
    "webhook_subscriptions", metadata,
    Column("id", ID, primary_key=True),
    Column("url", String(500), nullable=False),
    Column("events", JSONText(), nullable=False),
    Column("secret", ENCRYPTED_TEXT, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("deleted_at", UTCDateTime),
)

webhook_deliveries = Table(
    "webhook_deliveries", metadata,
    Column("id", ID, primary_key=True),
    Column("subscription_id", ID, ForeignKey("webhook_subscriptions.id"), nullable=False),
    Column("event_id", ID, nullable=False),
    Column("event_type", String(40), nullable=False),
    Column("body", JSONText(), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("state", EnumValue(DeliveryState), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("tries", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime),
    Column("claimed_at", UTCDateTime),
    Column("delivered_at", UTCDateTime),
    Column("replays", Integer, nullable=False),
    Column("last_result", String(120), nullable=False),
    Column("version", Integer, nullable=False),  # optimistic locking: one dispatcher claims
    # One delivery per subscription and event: a handler run twice cannot send twice.
    UniqueConstraint("subscription_id", "event_id"),
    Index("ix_webhook_deliveries_state_next_attempt_at", "state", "next_attempt_at"),
    Index("ix_webhook_deliveries_subscription_id_created_at", "subscription_id", "created_at"),
)

webhook_attempts = Table(
    "webhook_attempts", metadata,
    Column("id", ID, primary_key=True),
    Column("delivery_id", ID, ForeignKey("webhook_deliveries.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("outcome", EnumValue(AttemptOutcome), nullable=False),
    Column("http_status", Integer),
    Column("error", String(100), nullable=False),
    Column("replay", Boolean, nullable=False),
    UniqueConstraint("delivery_id", "number"),
)


def map_webhooks(mappers: registry) -> None:
    m = mappers.map_imperatively
    m(WebhookSubscription, webhook_subscriptions)
    m(WebhookDelivery, webhook_deliveries, version_id_col=webhook_deliveries.c.version,
      properties={"_subscription": writes_after(WebhookSubscription,
                                                webhook_deliveries.c.subscription_id)})
    m(WebhookAttempt, webhook_attempts,
      properties={"_delivery": writes_after(WebhookDelivery, webhook_attempts.c.delivery_id)})
