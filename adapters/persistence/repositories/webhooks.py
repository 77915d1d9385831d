"""Outbound webhooks' subscriptions and deliveries (ADR 0071), with the deliveries' attempts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from sqlalchemy import and_, false, or_, select, update

from adapters.persistence.orm.webhooks import webhook_deliveries
from adapters.persistence.repositories.base import SqlRepository
from adapters.persistence.sqlite_writers import take_turn
from domain.webhooks import (
    CLAIM_LEASE,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)

__all__ = ["SqlWebhookDeliveryRepository", "SqlWebhookSubscriptionRepository"]


class SqlWebhookSubscriptionRepository(SqlRepository):
    model = WebhookSubscription

    def listed(self, *, deleted: bool = False) -> Sequence[WebhookSubscription]:
        gone = WebhookSubscription.deleted_at
        found = self.session.scalars(
            select(WebhookSubscription).where(gone.is_not(None) if deleted else gone.is_(None))
            .order_by(WebhookSubscription.created_at, WebhookSubscription.id)).all()
        self.tracked.update(found)
        return found


class SqlWebhookDeliveryRepository(SqlRepository):
    model = WebhookDelivery

    def get_many(self, ids: Sequence[str]) -> Mapping[str, WebhookDelivery]:
        if not ids:
            return {}
        found = self.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.id.in_(list(ids)))).all()
        self.tracked.update(found)
        return {d.id: d for d in found}

    def due(self, *, now: dt.datetime, limit: int) -> Sequence[WebhookDelivery]:
        """As the outbox's `due`: PostgreSQL skips rows another dispatcher holds (`FOR UPDATE
        SKIP LOCKED`); on SQLite, when something is due, this takes the write lock first."""
        is_due = or_(
            and_(WebhookDelivery.state == DeliveryState.PENDING,
                 or_(WebhookDelivery.next_attempt_at.is_(None),
                     WebhookDelivery.next_attempt_at <= now)),
            and_(WebhookDelivery.state == DeliveryState.SENDING,
                 WebhookDelivery.claimed_at < now - CLAIM_LEASE))
        if self.session.get_bind().dialect.name == "sqlite":
            if self.session.scalar(select(WebhookDelivery.id).where(is_due).limit(1)) is None:
                return []
            take_turn(self.session)
            self.session.execute(update(webhook_deliveries).where(false())
                                 .values(version=webhook_deliveries.c.version))
        found = self.session.scalars(
            select(WebhookDelivery).where(is_due)
            .order_by(WebhookDelivery.created_at, WebhookDelivery.id).limit(limit)
            .with_for_update(skip_locked=True)).all()
        self.tracked.update(found)
        return found

    def recent(self, subscription_id: str, *, limit: int) -> Sequence[WebhookDelivery]:
        return self.session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)).all()

    def add_attempt(self, attempt: WebhookAttempt) -> None:
        self.session.add(attempt)

    def attempts_of(self, delivery_ids: Sequence[str]) -> Sequence[WebhookAttempt]:
        if not delivery_ids:
            return []
        return self.session.scalars(
            select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(list(delivery_ids)))
            .order_by(WebhookAttempt.delivery_id, WebhookAttempt.number)).all()
