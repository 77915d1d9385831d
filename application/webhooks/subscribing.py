"""An administrator subscribes one of the town's systems to events: a URL (https; outside
production also http to this machine), the events, and a secret the system makes, shown once
(only its encrypted copy stays, for signing). Audited with it."""

from __future__ import annotations

import secrets

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.webhooks import WebhookSubscription, WebhookUrl

__all__ = ["CreatedSubscription", "Subscribe", "subscribe"]

SECRET_PREFIX = "whsec_"


@frozen
class Subscribe:
    url: str
    events: tuple[str, ...]
    actor: Actor
    allow_local_http: bool = False  # development and tests: http://127.0.0.1 receivers


@frozen
class CreatedSubscription:
    id: str
    secret: str  # shown to the administrator once


def subscribe(command: Subscribe, *, uow: UnitOfWork, ids: IdGenerator,
              clock: Clock) -> CreatedSubscription:
    command.actor.ensure(Permission.ADMINISTER, "連携（Webhook）の登録")
    url = WebhookUrl.of(command.url, allow_local_http=command.allow_local_http)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    subscription = WebhookSubscription.subscribe(
        id=ids.new_id(), url=url, events=list(command.events), secret=secret, at=now,
        by=command.actor.id)
    with uow:
        uow.webhook_subscriptions.add(subscription)
        record(uow, command.actor, "webhook.create", "webhook", subscription.id, at=now,
               events="、".join(kind.label for kind in subscription.event_types))
        uow.commit()
    return CreatedSubscription(id=subscription.id, secret=secret)
