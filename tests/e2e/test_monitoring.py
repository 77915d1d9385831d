"""`/readyz` says whether the database and the job queue answer (503 naming what does not, no
address); `/metrics` answers only the monitoring system's bearer token, in Prometheus' format,
and its counters move with webhooks, deliveries and jobs."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, create_engine

from application.messaging.outbox import OutboxMessage
from application.ports.messaging import OutgoingMessage
from entrypoints.config import Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.web import create_app
from tests.conftest import TEST_KEY
from tests.e2e.test_request_ids import Phone

pytestmark = pytest.mark.e2e

TOKEN = "metrics-token-" + "0123456789abcdef" * 2
BEARER = {"Authorization": f"Bearer {TOKEN}"}


def _built(engine: Engine, tmp_path: Path, **env: str) -> Container:
    built = build_container(Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY, **env}))
    built.engine.override(engine)
    return built


@pytest.fixture
def made(engine: Engine, tmp_path: Path) -> Iterator[list[Container]]:
    """Containers a test builds with its own settings, shut down after it."""
    containers: list[Container] = []
    yield containers
    for built in containers:
        shutdown(built)
        built.unwire()
        built.reset_singletons()


def _readyz(container: Container) -> tuple[int, dict[str, str]]:
    response = create_app(container).test_client().get("/readyz")
    return response.status_code, response.get_json()


# -- /readyz --------------------------------------------------------------------------------------

def test_ready_when_the_database_and_the_queue_answer(client: FlaskClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "queue": "ok"}


@pytest.mark.parametrize("unreachable", [
    "sqlite:////nonexistent-madoguchi-folder/madoguchi.db",
    "postgresql+psycopg://madoguchi:secret-password@127.0.0.1:1/madoguchi",
])
def test_not_ready_when_the_database_does_not_answer_and_no_address_is_shown(
        container: Container, unreachable: str) -> None:
    unanswering = create_engine(unreachable)
    container.engine.override(unanswering)
    try:
        response = create_app(container).test_client().get("/readyz")
    finally:
        container.engine.reset_override()
        unanswering.dispose()

    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable",
                                   "queue": "ok"}
    body = response.get_data(as_text=True)
    assert "127.0.0.1" not in body and "secret" not in body and "nonexistent" not in body


def test_not_ready_when_the_celery_broker_does_not_answer(
        engine: Engine, tmp_path: Path, made: list[Container]) -> None:
    made.append(_built(engine, tmp_path, MADOGUCHI_TASK_QUEUE="celery",
                       CELERY_BROKER_URL="redis://:broker-password@127.0.0.1:1/0"))

    status, body = _readyz(made[0])

    assert status == 503 and body == {"status": "unavailable", "database": "ok",
                                      "queue": "unreachable"}
    assert "broker-password" not in json.dumps(body)


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL")
def test_ready_when_the_celery_broker_answers(engine: Engine, tmp_path: Path,
                                              made: list[Container]) -> None:
    made.append(_built(engine, tmp_path, MADOGUCHI_TASK_QUEUE="celery",
                       CELERY_BROKER_URL=os.environ["TEST_REDIS_URL"]))

    assert _readyz(made[0]) == (200, {"status": "ok", "database": "ok", "queue": "ok"})


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="set TEST_REDIS_URL")
def test_not_ready_while_a_wake_of_the_inbound_workers_hangs(
        engine: Engine, tmp_path: Path, made: list[Container],
        monkeypatch: pytest.MonkeyPatch) -> None:
    made.append(_built(engine, tmp_path, MADOGUCHI_TASK_QUEUE="celery",
                       CELERY_BROKER_URL=os.environ["TEST_REDIS_URL"]))
    notifier = made[0].inbound_workers()
    monkeypatch.setattr(notifier, "ready", lambda timeout=1.0: False)  # a send out for 30 s

    assert _readyz(made[0]) == (503, {"status": "unavailable", "database": "ok",
                                      "queue": "unreachable"})


def test_not_ready_once_the_in_process_queue_has_stopped(
        engine: Engine, tmp_path: Path, made: list[Container]) -> None:
    made.append(_built(engine, tmp_path, MADOGUCHI_TASK_QUEUE="in_process"))
    assert _readyz(made[0])[0] == 200

    made[0].job_queue().stop()

    assert _readyz(made[0]) == (503, {"status": "unavailable", "database": "ok",
                                      "queue": "unreachable"})


# -- /metrics -------------------------------------------------------------------------------------

@pytest.fixture
def monitored(container: Container) -> Iterator[tuple[FlaskClient, Phone]]:
    """The app with a metrics token and a LINE channel that accepts everything."""
    phone = Phone()
    container.config.metrics_token.from_value(TOKEN)
    container.messaging_channels.override(providers.Dict(line=providers.Object(phone)))
    yield create_app(container).test_client(), phone
    container.messaging_channels.reset_override()


def _scraped(client: FlaskClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def _webhook(client: FlaskClient, container: Container, events: list[dict[str, object]]):  # type: ignore[no-untyped-def]
    body = json.dumps({"destination": "U" + "0" * 32, "events": events}).encode()
    secret = container.config.line_channel_secret().encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    return client.post("/line/webhook", data=body, headers={
        "X-Line-Signature": signature, "Content-Type": "application/json"})


def test_metrics_are_not_shown_without_a_token_set(client: FlaskClient) -> None:
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers=BEARER).status_code == 404


def test_metrics_are_refused_without_the_token(
        monitored: tuple[FlaskClient, Phone]) -> None:
    client, _ = monitored
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"Basic {TOKEN}"}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401, headers
        assert "madoguchi_" not in response.get_data(as_text=True)


def test_metrics_name_what_is_counted(monitored: tuple[FlaskClient, Phone]) -> None:
    client, _ = monitored
    text = client.get("/metrics", headers=BEARER).get_data(as_text=True)

    for name in ("madoguchi_webhook_request_seconds", "madoguchi_webhook_events_received_total",
                 "madoguchi_outbox_deliveries_total", "madoguchi_outbox_backlog",
                 "madoguchi_outbox_oldest_due_age_seconds", "madoguchi_job_duration_seconds"):
        assert f"# TYPE {name.removesuffix('_total')}" in text, name


def test_a_webhook_and_its_reply_move_the_counters(monitored: tuple[FlaskClient, Phone],
                                                   container: Container) -> None:
    client, phone = monitored
    follow = {"type": "follow", "webhookEventId": "01FOLLOW000000000000000001",
              "timestamp": int(dt.datetime.now(dt.UTC).timestamp() * 1000),
              "source": {"type": "user", "userId": "U" + "7" * 32},
              "replyToken": "reply-token-1", "mode": "active", "follow": {"isUnblocked": False},
              "deliveryContext": {"isRedelivery": False}}

    assert _webhook(client, container, [follow]).status_code == 200
    assert _webhook(client, container, []).status_code == 200

    scraped = _scraped(client)
    assert scraped[("madoguchi_webhook_events_received_total", ())] == 1
    assert scraped[("madoguchi_webhook_request_seconds_count", (("status", "200"),))] == 2
    assert phone.sent == ["U" + "7" * 32]  # the greeting, delivered at once (eager queue)
    assert scraped[("madoguchi_outbox_deliveries_total",
                    (("channel", "line"), ("outcome", "sent")))] == 1
    assert scraped[("madoguchi_outbox_backlog", ())] == 0
    assert scraped[("madoguchi_outbox_oldest_due_age_seconds", ())] == 0


def test_the_backlog_and_the_age_of_the_oldest_due_message_are_read_at_each_scrape(
        monitored: tuple[FlaskClient, Phone], container: Container) -> None:
    client, _ = monitored
    now = container.clock().now()
    with container.uow() as uow:
        for n, minutes in enumerate((5, 2)):
            uow.outbox.add(OutboxMessage.of([OutgoingMessage(text="お知らせ")],
                                            id=f"01BACKLOG00000000000000{n:03d}", channel="line",
                                            recipient=f"U{n:032d}",
                                            at=now - dt.timedelta(minutes=minutes)))
        waiting = OutboxMessage.of([OutgoingMessage(text="お知らせ")],
                                   id="01BACKLOG00000000000000009", channel="line",
                                   recipient=f"U{9:032d}", at=now - dt.timedelta(minutes=30))
        waiting.retry_later("429", at=now + dt.timedelta(minutes=10))  # not due: not counted
        uow.outbox.add(waiting)
        uow.commit()

    scraped = _scraped(client)

    assert scraped[("madoguchi_outbox_backlog", ())] == 3
    assert 300 <= scraped[("madoguchi_outbox_oldest_due_age_seconds", ())] < 30 * 60


def test_a_job_is_timed_by_kind_and_outcome(monitored: tuple[FlaskClient, Phone],
                                            container: Container) -> None:
    from application.jobs.running import start_job
    from entrypoints.jobs import KEEP_ATTACHMENT

    client, _ = monitored
    container.attachment_source.override(providers.Object(None))
    try:
        start_job(KEEP_ATTACHMENT, {"ref": "line:0001"}, uow=container.uow(),
                  queue=container.job_queue(), catalog=container.job_catalog(),
                  ids=container.ids(), clock=container.clock())
    finally:
        container.attachment_source.reset_override()

    scraped = _scraped(client)
    assert scraped[("madoguchi_job_duration_seconds_count",
                    (("kind", KEEP_ATTACHMENT), ("outcome", "succeeded")))] == 1


def test_a_worker_serves_its_own_metrics_on_the_address_it_is_given(
        monitored: tuple[FlaskClient, Phone], container: Container) -> None:
    """`madoguchi worker --metrics-port`: jobs and deliveries run there, not in the web app."""
    import urllib.request

    from adapters.metrics import serving_metrics

    container.metrics().job_ran("import_registry", "succeeded", 1.5)
    with serving_metrics(container.metrics(), "127.0.0.1", 0) as port, \
            urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
        text = answer.read().decode()

    assert 'madoguchi_job_duration_seconds_count{kind="import_registry",outcome="succeeded"} ' \
        '1.0' in text
