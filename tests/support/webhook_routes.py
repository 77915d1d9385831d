"""What the 連携（Webhook） routes need in the every-route town (tests/e2e/test_audit_every_route.py
and test_no_raw_keys.py): a subscription with one delivery whose first try met a 503, so its
page shows a delivery, an attempt and the 再送 button."""

from __future__ import annotations

from flask.testing import FlaskClient

from application.access.actor import Actor
from application.webhooks.subscribing import Subscribe, subscribe
from domain.webhooks import WebhookAttempt, WebhookDelivery, WebhookEventType
from entrypoints.containers import Container
from tests.support.every_route_town import Town

__all__ = ["webhook_with_delivery"]


def webhook_with_delivery(client: FlaskClient, town: Town) -> dict[str, str]:
    """Made through the use case (not counted: `prepare` runs before the call)."""
    container: Container = client.application.extensions["madoguchi"]
    made = subscribe(Subscribe(url="https://town-system.example.jp/hooks",
                               events=("application.decided", "case.created"),
                               actor=Actor.operator("test")),
                     uow=container.uow(), ids=container.ids(), clock=container.clock())
    ids, now = container.ids(), container.clock().now()
    delivery = WebhookDelivery.of(id=ids.new_id(), subscription_id=made.id,
                                  event_id=ids.new_id(),
                                  kind=WebhookEventType.APPLICATION_DECIDED, occurred_at=now,
                                  data={"application_id": "a1", "decision": "approved"}, at=now)
    number = delivery.claim(now)
    outcome = delivery.record(503, "", at=now)
    with container.uow() as uow:
        uow.webhook_deliveries.add(delivery)
        uow.commit()
    with container.uow() as uow:  # after its delivery
        uow.webhook_deliveries.add_attempt(WebhookAttempt(
            id=ids.new_id(), delivery_id=delivery.id, number=number, started_at=now,
            duration_ms=12, outcome=outcome, http_status=503))
        uow.commit()
    return {"webhook": made.id, "delivery": delivery.id}
