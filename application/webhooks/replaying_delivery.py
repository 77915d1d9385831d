"""Staff send a delivery again (再送): the same event id and body, as a new round of tries.
A delivered one may be replayed (the receiver dedupes on the event id); one already waiting to
go or going out is left as it is, so a double click sends once. Audited with it."""

from __future__ import annotations

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.access import Permission
from domain.errors import NotFound

__all__ = ["replay_delivery"]


def replay_delivery(delivery_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> bool:
    """True when the delivery was queued again; False when it was already on its way."""
    actor.ensure(Permission.ADMINISTER, "連携（Webhook）の再送")
    now = clock.now()
    with uow:
        delivery = uow.webhook_deliveries.get(delivery_id)
        subscription = (uow.webhook_subscriptions.get(delivery.subscription_id)
                        if delivery is not None else None)
        if delivery is None or subscription is None or subscription.deleted_at is not None:
            raise NotFound("その配信は見つかりません。")
        if not delivery.replay(now):
            return False
        record(uow, actor, "webhook.replay", "webhook", subscription.id, at=now,
               event=delivery.event_id)
        try:
            uow.commit()
        except ConcurrentUpdate:  # the other click (or the dispatcher) came first
            return False
    return True
