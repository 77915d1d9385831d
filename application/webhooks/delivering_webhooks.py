"""Deliver the webhook deliveries that are due, signed, and record every attempt (ADR 0071).

As the outbox's dispatcher (`application/messaging/delivering_outbox.py`): two short
transactions around the network calls. The first claims the due deliveries (optimistic locking:
a delivery another dispatcher claimed meanwhile is left to it); the requests go out with no
transaction open; the second records each answer on its delivery and in the delivery log. A
dispatcher that dies after claiming leaves its claims to lapse (`CLAIM_LEASE`), and the
receiver, which may then see an event twice, dedupes on its event id."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from concurrent.futures import Executor

from attrs import define, frozen

from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from application.ports.webhooks import WebhookAnswer, WebhookSender
from domain.webhook_signature import EVENT_ID_HEADER, SIGNATURE_HEADER, signature_header
from domain.webhooks import AttemptOutcome, WebhookAttempt, WebhookDelivery, outcome_of

__all__ = ["WebhookReport", "body_bytes", "deliver_webhooks"]

log = logging.getLogger(__name__)

BATCH = 10  # at most 10 requests of at most 15 s each: well inside the claim's lease
RECORD_ATTEMPTS = 3
USER_AGENT = "Madoguchi-Webhooks/1"


@define
class WebhookReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    full: bool = False  # the batch took `limit` deliveries: more may be due already

    @property
    def handled(self) -> int:
        return self.delivered + self.retrying + self.failed

    @property
    def more(self) -> bool:
        """Another round may find something due now (what is written later wakes it)."""
        return self.full


@frozen
class _Request:
    delivery_id: str
    number: int  # the attempt's
    replay: bool
    url: str
    secret: str
    event_id: str
    event_type: str
    body: bytes


def body_bytes(delivery: WebhookDelivery) -> bytes:
    """The body as sent: the same bytes on every attempt (keys sorted, UTF-8)."""
    return json.dumps(delivery.body, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def deliver_webhooks(*, uow_factory: Callable[[], UnitOfWork], sender: WebhookSender,
                     clock: Clock, ids: IdGenerator, limit: int = BATCH,
                     executor: Executor | None = None) -> WebhookReport:
    """Deliver one batch of due deliveries; 0 handled: nothing was due. With an `executor`
    the batch's requests go out at once, so one slow receiver holds the round (and the
    outbox's, which runs on the same trigger) for one timeout, not one per delivery."""
    now = clock.now()
    with uow_factory() as uow:
        batch = list(uow.webhook_deliveries.due(now=now, limit=limit))
        if not batch:
            return WebhookReport()
        requests: list[_Request] = []
        for delivery in batch:
            subscription = uow.webhook_subscriptions.get(delivery.subscription_id)
            if subscription is None or subscription.deleted_at is not None:
                delivery.abandon()
                continue
            number = delivery.claim(now)
            requests.append(_Request(
                delivery.id, number, delivery.replays > 0 and delivery.tries == 1,
                subscription.url, subscription.secret, delivery.event_id, delivery.event_type,
                body_bytes(delivery)))
        try:
            uow.commit()
        except ConcurrentUpdate:  # another dispatcher claimed some of them: let it
            return WebhookReport()
    def attempt(request: _Request) -> tuple[_Request, dt.datetime, WebhookAnswer]:
        return request, clock.now(), _post(sender, request, clock)

    answers = list(executor.map(attempt, requests)) if executor else \
        [attempt(request) for request in requests]
    for attempt in range(RECORD_ATTEMPTS):
        try:
            report = _record(uow_factory, answers, clock, ids)
            report.full = len(batch) >= limit
            return report
        except ConcurrentUpdate:
            if attempt == RECORD_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _post(sender: WebhookSender, request: _Request, clock: Clock) -> WebhookAnswer:
    timestamp = int(clock.now().timestamp())
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT,
               SIGNATURE_HEADER: signature_header(request.secret, timestamp, request.body),
               EVENT_ID_HEADER: request.event_id, "Madoguchi-Event-Type": request.event_type,
               "Madoguchi-Attempt": str(request.number)}
    try:
        return sender.post(request.url, request.body, headers)
    except Exception as error:  # a bug in a sender: the attempt fails, the plan goes on
        return WebhookAnswer(status=None, duration_ms=0, error=type(error).__name__)


def _record(uow_factory: Callable[[], UnitOfWork],
            answers: list[tuple[_Request, dt.datetime, WebhookAnswer]], clock: Clock,
            ids: IdGenerator) -> WebhookReport:
    report = WebhookReport()
    now = clock.now()
    with uow_factory() as uow:
        found = uow.webhook_deliveries.get_many([request.delivery_id for request, _, _ in answers])
        for request, started, answer in answers:
            delivery = found.get(request.delivery_id)
            ours = delivery is not None and delivery.claimed_at is not None \
                and delivery.attempts == request.number
            outcome = (delivery.record(answer.status, answer.error, at=now)  # type: ignore[union-attr]
                       if ours else outcome_of(answer.status))
            uow.webhook_deliveries.add_attempt(WebhookAttempt(
                id=ids.new_id(), delivery_id=request.delivery_id, number=request.number,
                started_at=started, duration_ms=answer.duration_ms, outcome=outcome,
                http_status=answer.status, error=answer.error[:100], replay=request.replay))
            if outcome is AttemptOutcome.DELIVERED:
                report.delivered += 1
            elif outcome is AttemptOutcome.RETRY:
                report.retrying += 1
            else:
                report.failed += 1
            log.info("webhook delivery %s (%s) attempt %d: %s", request.delivery_id,
                     request.event_type, request.number, outcome.value,
                     extra={"webhook_delivery": request.delivery_id,
                            "status": answer.status, "outcome": outcome.value})
        uow.commit()
    return report
