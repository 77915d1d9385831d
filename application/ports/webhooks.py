"""Outbound webhooks' ports (ADR 0071): the subscriptions and deliveries the unit of work
keeps, and the sender that POSTs one signed delivery."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

from attrs import frozen

from domain.webhooks import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = ["WebhookAnswer", "WebhookDeliveryRepository", "WebhookSender",
           "WebhookSubscriptionRepository"]


class WebhookSubscriptionRepository(Protocol):
    def add(self, subscription: WebhookSubscription) -> None: ...
    def get(self, subscription_id: str) -> WebhookSubscription | None: ...
    def listed(self, *, deleted: bool = False) -> Sequence[WebhookSubscription]:
        """Those not deleted (or, `deleted`, only those deleted: kept for their log), oldest
        first."""
        ...


class WebhookDeliveryRepository(Protocol):
    """One delivery per (subscription, event id): the database refuses a second."""

    def add(self, delivery: WebhookDelivery) -> None: ...
    def get(self, delivery_id: str) -> WebhookDelivery | None: ...
    def get_many(self, ids: Sequence[str]) -> Mapping[str, WebhookDelivery]: ...
    def due(self, *, now: dt.datetime, limit: int) -> Sequence[WebhookDelivery]:
        """Pending and due, or claimed by a dispatcher whose lease lapsed; oldest first."""
        ...
    def recent(self, subscription_id: str, *, limit: int) -> Sequence[WebhookDelivery]:
        """The subscription's newest deliveries, newest first (for its delivery log)."""
        ...
    def add_attempt(self, attempt: WebhookAttempt) -> None: ...
    def attempts_of(self, delivery_ids: Sequence[str]) -> Sequence[WebhookAttempt]:
        """The attempts of these deliveries, by delivery then number."""
        ...


@frozen
class WebhookAnswer:
    """What one POST came to: the receiver's status, or no answer (`error`: the error's type,
    a timeout, a refused connection: never the receiver's words)."""

    status: int | None
    duration_ms: int
    error: str = ""


class WebhookSender(Protocol):
    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
        """POST `body` with `headers`; never raises for the receiver's or the network's
        failures (they are the answer), never follows a redirect."""
        ...
