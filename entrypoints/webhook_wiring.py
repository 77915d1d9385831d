"""Outbound webhooks' wiring (ADR 0071): the dispatcher of webhook deliveries runs with the
outbox's, on the same trigger (the in-process pump, `DeliverNow` in tests, the Celery outbox
task), so whatever wakes or polls the outbox delivers the town's webhooks too."""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Executor

from attrs import frozen

from adapters.webhooks.sender import HttpWebhookSender
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import UnitOfWork
from application.webhooks.delivering_webhooks import WebhookReport, deliver_webhooks

__all__ = ["Delivered", "webhook_delivery", "with_webhooks"]


@frozen
class Delivered:
    """One round of both dispatchers: `handled` is what the pump loops on."""

    outbox: object
    webhooks: WebhookReport

    @property
    def handled(self) -> int:
        return int(getattr(self.outbox, "handled", 0) or 0) + self.webhooks.handled

    @property
    def more(self) -> bool:
        """Either dispatcher may find more due now (outbox_pump.deliver_due)."""
        return bool(getattr(self.outbox, "more", True)) or self.webhooks.more


def webhook_delivery(uow_factory: Callable[[], UnitOfWork], clock: Clock, ids: IdGenerator,
                     executor: Executor | None = None) -> Callable[[], WebhookReport]:
    """The dispatcher of webhooks, sending on the outbox's threads (`executor`)."""
    return functools.partial(deliver_webhooks, uow_factory=uow_factory,
                             sender=HttpWebhookSender(), clock=clock, ids=ids,
                             executor=executor)


def with_webhooks(outbox: Callable[[], object],
                  webhooks: Callable[[], WebhookReport]) -> Callable[[], Delivered]:
    def deliver() -> Delivered:
        return Delivered(outbox(), webhooks())
    return deliver
