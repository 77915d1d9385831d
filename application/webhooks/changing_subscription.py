"""An administrator pauses, resumes or deletes a webhook subscription. A paused one is sent
nothing new (what it was already owed still goes); a deleted one is sent nothing at all and
stays for its delivery log. Audited with it; a change that changes nothing records nothing."""

from __future__ import annotations

import enum

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import NotFound
from domain.webhooks import WebhookSubscription

__all__ = ["SubscriptionChange", "change_subscription"]


class SubscriptionChange(enum.Enum):
    PAUSE = "pause"
    RESUME = "resume"
    DELETE = "delete"


def change_subscription(subscription_id: str, change: SubscriptionChange, *, actor: Actor,
                        uow: UnitOfWork, clock: Clock) -> WebhookSubscription:
    actor.ensure(Permission.ADMINISTER, "連携（Webhook）の変更")
    now = clock.now()
    with uow:
        subscription = uow.webhook_subscriptions.get(subscription_id)
        if subscription is None or subscription.deleted_at is not None:
            raise NotFound("その連携先は見つかりません。")
        if change is SubscriptionChange.PAUSE:
            changed = subscription.pause()
        elif change is SubscriptionChange.RESUME:
            changed = subscription.resume()
        else:
            subscription.delete(now)
            changed = True
        if changed:
            record(uow, actor, f"webhook.{change.value}", "webhook", subscription.id, at=now)
            uow.commit()
    return subscription
