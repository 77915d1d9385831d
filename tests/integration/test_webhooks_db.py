"""Outbound webhooks on the real databases (ADR 0071): the secret encrypted at rest, one
delivery per subscription and event, the dispatcher's claims, retries and delivery log."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Mapping

import pytest
from sqlalchemy import text

from application.access.actor import Actor
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from application.ports.webhooks import WebhookAnswer
from application.webhooks.delivering_webhooks import deliver_webhooks
from application.webhooks.subscribing import Subscribe, subscribe
from domain.staff import Role
from domain.webhooks import AttemptOutcome, DeliveryState, WebhookDelivery, WebhookEventType
from entrypoints.containers import Container
from tests.fakes import FakeClock, SequentialIds

pytestmark = pytest.mark.integration

ADMIN = Actor(id="s-admin", role=Role.ADMINISTRATOR, label="admin")


class Receiver:
    def __init__(self, *answers: int | None) -> None:
        self.answers = list(answers)
        self.events: Counter[str] = Counter()
        self._lock = threading.Lock()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
        with self._lock:
            self.events[headers["Madoguchi-Event-Id"]] += 1
            status = self.answers.pop(0) if self.answers else 200
        return WebhookAnswer(status=status, duration_ms=1,
                             error="" if status is not None else "ConnectTimeout")


def _subscription(container: Container, clock: FakeClock) -> tuple[str, str]:
    made = subscribe(Subscribe(url="https://town.example.jp/hook",
                               events=("application.decided",), actor=ADMIN),
                     uow=container.uow(), ids=SequentialIds("ws"), clock=clock)
    return made.id, made.secret


def _deliveries(container: Container, subscription_id: str, count: int,
                clock: FakeClock) -> None:
    with container.uow() as uow:
        for n in range(count):
            uow.webhook_deliveries.add(WebhookDelivery.of(
                id=f"wd{n:04d}", subscription_id=subscription_id, event_id=f"ev{n:04d}",
                kind=WebhookEventType.APPLICATION_DECIDED, occurred_at=clock.now(),
                data={"application_id": f"a{n}"}, at=clock.now()))
        uow.commit()


def test_the_secret_is_stored_encrypted_and_read_back(container: Container) -> None:
    subscription_id, secret = _subscription(container, FakeClock())
    with container.engine().connect() as connection:
        stored = connection.scalar(text("SELECT secret FROM webhook_subscriptions"))
    assert stored and secret not in stored  # as written, not through the column's type
    with container.uow() as uow:
        assert uow.webhook_subscriptions.get(subscription_id).secret == secret


def test_the_database_keeps_one_delivery_per_subscription_and_event(
        container: Container) -> None:
    clock = FakeClock()
    subscription_id, _ = _subscription(container, clock)
    _deliveries(container, subscription_id, 1, clock)
    with pytest.raises(DuplicateError), container.uow() as uow:
        uow.webhook_deliveries.add(WebhookDelivery.of(
            id="wd-again", subscription_id=subscription_id, event_id="ev0000",
            kind=WebhookEventType.APPLICATION_DECIDED, occurred_at=clock.now(), data={},
            at=clock.now()))
        uow.commit()


def test_a_failed_attempt_waits_out_its_back_off_and_every_attempt_is_logged(
        container: Container) -> None:
    clock = FakeClock()
    subscription_id, _ = _subscription(container, clock)
    _deliveries(container, subscription_id, 1, clock)
    receiver, ids = Receiver(None, 200), SequentialIds("wa")

    def deliver() -> object:
        return deliver_webhooks(uow_factory=container.uow, sender=receiver, clock=clock, ids=ids)

    assert deliver().retrying == 1  # type: ignore[attr-defined]
    assert deliver().handled == 0  # type: ignore[attr-defined]
    clock.advance(minutes=1)
    assert deliver().delivered == 1  # type: ignore[attr-defined]
    with container.uow() as uow:
        [delivery] = uow.webhook_deliveries.recent(subscription_id, limit=5)
        log = uow.webhook_deliveries.attempts_of([delivery.id])
    assert delivery.state is DeliveryState.DELIVERED and delivery.attempts == 2
    assert [(a.number, a.http_status, a.error, a.outcome) for a in log] == [
        (1, None, "ConnectTimeout", AttemptOutcome.RETRY), (2, 200, "", AttemptOutcome.DELIVERED)]
    assert log[0].started_at == clock.now() - dt.timedelta(minutes=1)


def test_dispatchers_at_once_send_each_delivery_once(container: Container) -> None:
    clock = FakeClock()
    subscription_id, _ = _subscription(container, clock)
    _deliveries(container, subscription_id, 40, clock)
    receiver, ids = Receiver(), SequentialIds("wa")
    ids_lock = threading.Lock()

    class LockedIds:
        def new_id(self) -> str:
            with ids_lock:
                return ids.new_id()

    def dispatcher() -> None:
        while deliver_webhooks(uow_factory=container.uow, sender=receiver, clock=clock,
                               ids=LockedIds()).handled:
            pass

    threads = [threading.Thread(target=dispatcher) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(receiver.events.values()) == [1] * 40


def test_two_replays_at_once_are_one(container: Container) -> None:
    """Two clicks read the delivered row at once; the second's write meets the first's (the
    row's version), so one replay is queued and the event goes out once more, not twice."""
    clock = FakeClock()
    subscription_id, _ = _subscription(container, clock)
    _deliveries(container, subscription_id, 1, clock)
    deliver_webhooks(uow_factory=container.uow, sender=Receiver(), clock=clock,
                     ids=SequentialIds("wa"))
    with container.uow() as first, container.uow() as second:
        mine, theirs = (uow.webhook_deliveries.get("wd0000") for uow in (first, second))
        assert mine.replay(clock.now()) and theirs.replay(clock.now())
        first.commit()
        with pytest.raises(ConcurrentUpdate):
            second.commit()
    with container.uow() as uow:
        replayed = uow.webhook_deliveries.get("wd0000")
    assert (replayed.state, replayed.replays) == (DeliveryState.PENDING, 1)
