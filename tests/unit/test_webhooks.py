"""Outbound webhooks (ADR 0071): the back-off plan, what an answer means, subscriptions, and the
dispatcher on fakes (the receiver's answers scripted)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

import pytest

from application.access.actor import Actor
from application.ports.webhooks import WebhookAnswer
from application.webhooks.changing_subscription import SubscriptionChange, change_subscription
from application.webhooks.delivering_webhooks import WebhookReport, deliver_webhooks
from application.webhooks.replaying_delivery import replay_delivery
from application.webhooks.subscribing import Subscribe, subscribe
from domain.errors import InvalidValue, NotAllowed
from domain.events import ApplicationDecided, CaseOpened, DisbursementStateChanged
from domain.staff import Role
from domain.webhook_signature import verify_signature
from domain.webhooks import (
    AttemptOutcome,
    DeliveryState,
    WebhookEventType,
    WebhookUrl,
    outcome_of,
    wait_after,
)
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, message_bus_on

pytestmark = pytest.mark.unit

ADMIN = Actor(id="s-admin", role=Role.ADMINISTRATOR, label="admin")
URL = "https://town-system.example.jp/hooks"


def test_the_back_off_plan_is_1_5_30_minutes_2_and_12_hours_then_give_up() -> None:
    waits = [wait_after(n) for n in range(1, 7)]
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=5),
                     dt.timedelta(minutes=30), dt.timedelta(hours=2),
                     dt.timedelta(hours=12), None]


@pytest.mark.parametrize(("status", "outcome"), [
    (200, AttemptOutcome.DELIVERED), (204, AttemptOutcome.DELIVERED),
    (None, AttemptOutcome.RETRY), (500, AttemptOutcome.RETRY), (503, AttemptOutcome.RETRY),
    (429, AttemptOutcome.RETRY), (400, AttemptOutcome.REFUSED), (404, AttemptOutcome.REFUSED),
    (410, AttemptOutcome.REFUSED), (301, AttemptOutcome.REFUSED)])
def test_network_errors_5xx_and_429_are_retried_other_answers_are_final(
        status: int | None, outcome: AttemptOutcome) -> None:
    assert outcome_of(status) is outcome


@pytest.mark.parametrize("url", ["http://town-system.example.jp/hooks", "ftp://x.jp/",
                                 "https://user:pw@x.jp/", "", "http://10.0.0.5/hooks"])
def test_a_url_must_be_https_without_credentials(url: str) -> None:
    with pytest.raises(InvalidValue):
        WebhookUrl.of(url, allow_local_http=True)


def test_plain_http_to_this_machine_only_outside_production() -> None:
    assert WebhookUrl.of("http://127.0.0.1:8080/h", allow_local_http=True).value
    with pytest.raises(InvalidValue):
        WebhookUrl.of("http://127.0.0.1:8080/h", allow_local_http=False)


@pytest.mark.parametrize("url", [
    "https://localhost/h", "https://127.0.0.1/h", "https://127.1/h", "https://0x7f000001/h",
    "https://[::1]:6379/", "https://169.254.169.254/latest/meta-data", "https://0.0.0.0/h",
    "https://api.localhost/h"])
def test_in_production_a_url_may_not_point_at_the_server_itself_or_link_local(url: str) -> None:
    with pytest.raises(InvalidValue, match="このサーバー自身"):
        WebhookUrl.of(url, allow_local_http=False)


@pytest.mark.parametrize("url", ["https://10.0.0.5/hooks", "https://kikan.city.example.jp/h"])
def test_the_towns_own_systems_on_its_network_are_allowed(url: str) -> None:
    assert WebhookUrl.of(url, allow_local_http=False).value == url


class Receiver:
    """Answers with the scripted statuses, in order (None: no answer), and keeps what came."""

    def __init__(self, *answers: int | None) -> None:
        self.answers = list(answers)
        self.received: list[tuple[str, bytes, dict[str, str]]] = []

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
        self.received.append((url, body, dict(headers)))
        status = self.answers.pop(0) if self.answers else 200
        return WebhookAnswer(status=status, duration_ms=3,
                             error="" if status is not None else "ConnectionError")


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def database(clock: FakeClock) -> FakeDatabase:
    return FakeDatabase(message_bus_on(clock=clock))


def _subscribe(database: FakeDatabase, clock: FakeClock,
               events: tuple[str, ...] = ("application.decided",)) -> tuple[str, str]:
    made = subscribe(Subscribe(url=URL, events=events, actor=ADMIN), uow=FakeUnitOfWork(database),
                     ids=SequentialIds("w"), clock=clock)
    return made.id, made.secret


def _decide(database: FakeDatabase, application_id: str = "a1") -> None:
    with FakeUnitOfWork(database) as uow:
        household_id = "h1" if application_id == "a1" else f"h-{application_id}"
        uow.households.add(builders.household(id=household_id,
                                              household_number=f"H{application_id}"))
        application = builders.application(id=application_id, household_id=household_id)
        uow.applications.add(application)
        application.record(ApplicationDecided(application_id=application_id, approved=True,
                                              reason=""))
        uow.commit()


ATTEMPT_IDS = SequentialIds("t")


def _deliver(database: FakeDatabase, receiver: Receiver, clock: FakeClock) -> object:
    return deliver_webhooks(uow_factory=lambda: FakeUnitOfWork(database), sender=receiver,
                            clock=clock, ids=ATTEMPT_IDS)


def test_only_administrators_subscribe(database: FakeDatabase, clock: FakeClock) -> None:
    with pytest.raises(NotAllowed):
        subscribe(Subscribe(url=URL, events=("case.created",),
                            actor=builders.actor(role=Role.APPROVER)),
                  uow=FakeUnitOfWork(database), ids=SequentialIds("w"), clock=clock)


def test_a_decision_becomes_one_signed_delivery_with_ids_and_no_personal_data(
        database: FakeDatabase, clock: FakeClock) -> None:
    _, secret = _subscribe(database, clock)
    _decide(database)
    receiver = Receiver(200)

    report = _deliver(database, receiver, clock)

    assert report.delivered == 1  # type: ignore[attr-defined]
    [(url, body, headers)] = receiver.received
    verify_signature(secret, headers["Madoguchi-Signature"], body,
                     now=clock.now().timestamp())
    sent = json.loads(body)
    assert url == URL and headers["Madoguchi-Event-Id"] == sent["id"]
    assert sent["type"] == "application.decided"
    assert sent["occurred_at"].endswith("+09:00")
    assert sent["data"] == {"application_id": "a1", "program_id": "p1", "household_id": "h1",
                            "household_number": "Ha1", "application_status": "notified",
                            "decision": "approved"}


def test_events_a_subscription_did_not_choose_are_not_sent(database: FakeDatabase,
                                                           clock: FakeClock) -> None:
    _subscribe(database, clock, events=("case.created",))
    _decide(database)
    assert _deliver(database, Receiver(), clock).handled == 0  # type: ignore[attr-defined]


def test_a_transferred_case_is_no_new_case(database: FakeDatabase, clock: FakeClock) -> None:
    _subscribe(database, clock, events=("case.created",))
    with FakeUnitOfWork(database) as uow:
        holder = builders.application()
        uow.applications.add(holder)
        holder.record(CaseOpened(case_id="c1", transferred=True))
        holder.record(CaseOpened(case_id="c2"))
        uow.commit()
    receiver = Receiver()
    _deliver(database, receiver, clock)
    assert [json.loads(body)["data"]["case_id"] for _, body, _ in receiver.received] == ["c2"]


def test_only_a_failed_payment_is_sent_with_its_application_and_one_event_id_each(
        database: FakeDatabase, clock: FakeClock) -> None:
    _subscribe(database, clock, events=("payment.failed",))
    _decide(database, "a1")
    _decide(database, "a2")
    with FakeUnitOfWork(database) as uow:
        holder = uow.applications.get("a1")
        for n, (application_id, status) in enumerate([("a1", "failed"), ("a2", "failed"),
                                                      ("a1", "settled")]):
            holder.record(DisbursementStateChanged(disbursement_id=f"d{n}",
                                                   application_id=application_id,
                                                   status=status))
        uow.commit()
    receiver = Receiver()
    _deliver(database, receiver, clock)
    sent = [json.loads(body) for _, body, _ in receiver.received]
    assert [(b["type"], b["data"]["disbursement_id"], b["data"]["household_number"])
            for b in sent] == [("payment.failed", "d0", "Ha1"), ("payment.failed", "d1", "Ha2")]
    assert sent[0]["id"] != sent[1]["id"]


def test_a_receiver_down_is_retried_on_the_plan_with_the_same_event_id_and_body(
        database: FakeDatabase, clock: FakeClock) -> None:
    _subscribe(database, clock)
    _decide(database)
    receiver = Receiver(None, 503, 200)

    assert _deliver(database, receiver, clock).retrying == 1  # type: ignore[attr-defined]
    assert _deliver(database, receiver, clock).handled == 0  # type: ignore[attr-defined]
    clock.advance(minutes=1)
    assert _deliver(database, receiver, clock).retrying == 1  # type: ignore[attr-defined]
    clock.advance(minutes=4, seconds=59)
    assert _deliver(database, receiver, clock).handled == 0  # type: ignore[attr-defined]
    clock.advance(seconds=1)
    assert _deliver(database, receiver, clock).delivered == 1  # type: ignore[attr-defined]

    assert len({body for _, body, _ in receiver.received}) == 1
    assert len({h["Madoguchi-Event-Id"] for _, _, h in receiver.received}) == 1
    with FakeUnitOfWork(database) as uow:
        [delivery] = uow.webhook_deliveries.recent(database.tables["webhook_subscriptions"]
                                                   .popitem()[0], limit=9)
        log = uow.webhook_deliveries.attempts_of([delivery.id])
    assert delivery.state is DeliveryState.DELIVERED
    assert [(a.number, a.http_status, a.error, a.outcome) for a in log] == [
        (1, None, "ConnectionError", AttemptOutcome.RETRY), (2, 503, "", AttemptOutcome.RETRY),
        (3, 200, "", AttemptOutcome.DELIVERED)]


def test_a_4xx_is_final_and_the_plan_gives_up_after_six_tries(database: FakeDatabase,
                                                              clock: FakeClock) -> None:
    _subscribe(database, clock)
    _decide(database, "a1")
    receiver = Receiver(404)
    assert _deliver(database, receiver, clock).failed == 1  # type: ignore[attr-defined]

    _decide(database, "a2")
    receiver.answers = [500] * 6
    outcomes = []
    for _ in range(6):
        report = _deliver(database, receiver, clock)
        outcomes.append((report.retrying, report.failed))  # type: ignore[attr-defined]
        clock.advance(hours=12)
    assert outcomes == [(1, 0)] * 5 + [(0, 1)]


def test_a_replay_sends_the_same_event_again_once_however_often_it_is_asked(
        database: FakeDatabase, clock: FakeClock) -> None:
    _subscribe(database, clock)
    _decide(database)
    receiver = Receiver(200, 200)
    _deliver(database, receiver, clock)
    [delivery_id] = list(database.tables["webhook_deliveries"])

    first = replay_delivery(delivery_id, actor=ADMIN, uow=FakeUnitOfWork(database), clock=clock)
    second = replay_delivery(delivery_id, actor=ADMIN, uow=FakeUnitOfWork(database), clock=clock)
    _deliver(database, receiver, clock)

    assert (first, second) == (True, False)
    assert len(receiver.received) == 2
    assert receiver.received[0][2]["Madoguchi-Event-Id"] == \
        receiver.received[1][2]["Madoguchi-Event-Id"]
    with FakeUnitOfWork(database) as uow:
        log = uow.webhook_deliveries.attempts_of([delivery_id])
        actions = [r.action for r in uow.audit.values()]
    assert [a.replay for a in log] == [False, True]
    assert actions.count("webhook.replay") == 1  # the second click changed nothing


def test_a_paused_subscription_gets_nothing_new_and_a_deleted_one_nothing_at_all(
        database: FakeDatabase, clock: FakeClock) -> None:
    subscription_id, _ = _subscribe(database, clock)
    _decide(database, "a1")  # owed before the pause
    change_subscription(subscription_id, SubscriptionChange.PAUSE, actor=ADMIN,
                        uow=FakeUnitOfWork(database), clock=clock)
    _decide(database, "a2")
    receiver = Receiver()
    assert _deliver(database, receiver, clock).delivered == 1  # type: ignore[attr-defined]

    change_subscription(subscription_id, SubscriptionChange.RESUME, actor=ADMIN,
                        uow=FakeUnitOfWork(database), clock=clock)
    _decide(database, "a3")
    change_subscription(subscription_id, SubscriptionChange.DELETE, actor=ADMIN,
                        uow=FakeUnitOfWork(database), clock=clock)
    assert _deliver(database, receiver, clock).delivered == 0  # type: ignore[attr-defined]
    assert len(receiver.received) == 1


def test_every_event_type_has_a_japanese_label() -> None:
    assert all(kind.label and not kind.label.isascii() for kind in WebhookEventType)


@pytest.mark.parametrize("events", [(), ("",), ("application.decided", "resident.moved")])
def test_a_subscription_wants_one_known_event_or_more(database: FakeDatabase, clock: FakeClock,
                                                      events: tuple[str, ...]) -> None:
    with pytest.raises(InvalidValue):
        _subscribe(database, clock, events=events)
    assert database.tables["webhook_subscriptions"] == {}
    assert database.tables["audit"] == {}


def test_a_batch_as_large_as_the_limit_says_more_may_be_due(database: FakeDatabase,
                                                            clock: FakeClock) -> None:
    _subscribe(database, clock)
    for application_id in ("a1", "a2", "a3"):
        _decide(database, application_id)

    def deliver() -> WebhookReport:
        return deliver_webhooks(uow_factory=lambda: FakeUnitOfWork(database), sender=Receiver(),
                                clock=clock, ids=ATTEMPT_IDS, limit=2)

    first, second = deliver(), deliver()

    assert (first.delivered, first.more) == (2, True)
    assert (second.delivered, second.more) == (1, False)
