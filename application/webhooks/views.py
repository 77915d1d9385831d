"""What the 連携（Webhook） page shows: the subscriptions, and each one's recent deliveries with
their attempts (no secret: it was shown once, when made)."""

from __future__ import annotations

from attrs import frozen

from application.ports.unit_of_work import UnitOfWork
from domain.webhooks import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = ["DeliveryLine", "SubscriptionLine", "subscription_lines"]

RECENT = 20  # deliveries shown per subscription


@frozen
class DeliveryLine:
    delivery: WebhookDelivery
    attempts: tuple[WebhookAttempt, ...]


@frozen
class SubscriptionLine:
    subscription: WebhookSubscription
    deliveries: tuple[DeliveryLine, ...]


def subscription_lines(*, uow: UnitOfWork, recent: int = RECENT,
                       deleted: bool = False) -> list[SubscriptionLine]:
    """Each subscription with its recent deliveries and their attempts (`deleted`: those
    deleted, whose log stays to be read)."""
    with uow:
        lines = []
        for subscription in uow.webhook_subscriptions.listed(deleted=deleted):
            deliveries = list(uow.webhook_deliveries.recent(subscription.id, limit=recent))
            attempts: dict[str, list[WebhookAttempt]] = {d.id: [] for d in deliveries}
            for attempt in uow.webhook_deliveries.attempts_of([d.id for d in deliveries]):
                attempts[attempt.delivery_id].append(attempt)
            lines.append(SubscriptionLine(subscription, tuple(
                DeliveryLine(d, tuple(attempts[d.id])) for d in deliveries)))
        return lines
