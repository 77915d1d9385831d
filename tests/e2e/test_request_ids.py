"""One request id from the web request to the job it starts and the deliveries of the messages
that job writes: every log line of the three carries it (JSON lines, the in-process queue and
its outbox thread, as `madoguchi serve` and gunicorn run them)."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from dependency_injector import providers
from flask.testing import FlaskClient
from sqlalchemy import Engine

from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from domain.staff import Role
from entrypoints.config import Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.jobs import SEND_CAMPAIGN
from entrypoints.logging_setup import configured_logging
from entrypoints.web import create_app
from tests.conftest import TEST_KEY, _fast_hasher
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.e2e.test_staff_benefits import BASE, create_program, open_program, seed_households

pytestmark = pytest.mark.e2e

REQUEST_ID = "req-campaign-000001"


class Phone:
    """The LINE channel: accepts everything, one send at a time or as a group."""

    name = "line"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.lock = threading.Lock()

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        with self.lock:
            self.sent.append(recipient)
        return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        with self.lock:
            self.sent.extend(recipients)
        return [(list(recipients), DeliveryResult(DeliveryOutcome.DELIVERED))]


@pytest.fixture
def phone() -> Phone:
    return Phone()


@pytest.fixture
def live(engine: Engine, tmp_path: Path, phone: Phone) -> Iterator[Container]:
    """The composition root with the in-process queue and outbox thread (`madoguchi serve`)."""
    built = build_container(Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY, "MADOGUCHI_TASK_QUEUE": "in_process"}))
    built.engine.override(engine)
    built.password_hasher.override(_fast_hasher())
    built.messaging_channels.override(providers.Dict(line=providers.Object(phone)))
    yield built
    shutdown(built)
    built.unwire()
    built.reset_singletons()


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_well_formed_request_id_comes_back_and_anything_else_is_replaced(
        client: FlaskClient) -> None:
    assert client.get("/healthz", headers={"X-Request-Id": REQUEST_ID}) \
        .headers["X-Request-Id"] == REQUEST_ID
    forged = client.get("/healthz", headers={"X-Request-Id": "req-0001 forged: <level>"})
    made = client.get("/healthz")
    assert forged.headers["X-Request-Id"] not in {"", "req-0001 forged: <level>"}
    assert len({forged.headers["X-Request-Id"], made.headers["X-Request-Id"]}) == 2


def test_the_request_id_goes_from_the_web_request_to_the_job_and_each_delivery(
        live: Container, phone: Phone) -> None:
    client = create_app(live).test_client()
    seed_households(live)  # two households on LINE
    make_staff(live, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    program_id = create_program(client, live)
    open_program(client, program_id)
    upload = client.post(f"{BASE}/programs/{program_id}/eligibility", data={
        "csrf_token": token(client), "mode": "valid_rows",
        "file": (io.BytesIO("世帯番号\nH0001\nH0002\n".encode("cp932")), "list.csv")},
        content_type="multipart/form-data")
    assert upload.status_code == 302
    live.job_queue().join()

    stream = io.StringIO()
    with configured_logging("json", "INFO", stream=stream):
        sent = client.post(f"{BASE}/programs/{program_id}/campaigns",
                           data={"csrf_token": token(client)},
                           headers={"X-Request-Id": REQUEST_ID})
        live.job_queue().join()  # the campaign job, on the queue's thread
        assert live.outbox_notifier().wait_idle(timeout=60)  # its notices, on the outbox's

    assert sent.status_code == 302 and sent.headers["X-Request-Id"] == REQUEST_ID
    assert sorted(phone.sent) == [f"U{1:032d}", f"U{2:032d}"]
    lines = _lines(stream)
    jobs = [line for line in lines if line.get("job_kind") == SEND_CAMPAIGN]
    deliveries = [line for line in lines if line["logger"].endswith("delivering_outbox")]
    assert [line["message"].split(") ")[-1] for line in jobs][:1] == ["started"]
    assert {line.get("outcome") for line in jobs} >= {"succeeded"}
    assert [line.get("outcome") for line in deliveries] == ["sent", "sent"]
    assert {line["request_id"] for line in jobs + deliveries} == {REQUEST_ID}
    assert {line["channel"] for line in deliveries} == {"line"}


def test_a_job_queued_without_a_request_runs_under_an_id_of_its_own(live: Container) -> None:
    from application.jobs.running import start_job
    from entrypoints.jobs import KEEP_ATTACHMENT

    stream = io.StringIO()
    with configured_logging("json", "INFO", stream=stream):
        start_job(KEEP_ATTACHMENT, {"ref": "line:0001"}, uow=live.uow(),
                  queue=live.job_queue(), catalog=live.job_catalog(), ids=live.ids(),
                  clock=live.clock())
        live.job_queue().join()

    ids = {line["request_id"] for line in _lines(stream) if line.get("job_kind")}
    assert len(ids) == 1 and None not in ids


def test_a_reply_to_a_webhook_is_delivered_under_the_webhooks_request_id(
        live: Container, phone: Phone) -> None:
    import base64
    import datetime as dt
    import hashlib
    import hmac

    client = create_app(live).test_client()
    follow = {"type": "follow", "webhookEventId": "01FOLLOW000000000000000002",
              "timestamp": int(dt.datetime.now(dt.UTC).timestamp() * 1000),
              "source": {"type": "user", "userId": "U" + "8" * 32}, "mode": "active",
              "replyToken": "reply-token-2", "follow": {"isUnblocked": False},
              "deliveryContext": {"isRedelivery": False}}
    body = json.dumps({"destination": "U" + "0" * 32, "events": [follow]}).encode()
    signature = base64.b64encode(hmac.new(live.config.line_channel_secret().encode(), body,
                                          hashlib.sha256).digest()).decode()
    stream = io.StringIO()
    with configured_logging("json", "INFO", stream=stream):
        answer = client.post("/line/webhook", data=body, headers={
            "X-Line-Signature": signature, "Content-Type": "application/json",
            "X-Request-Id": "req-webhook-000001"})
        assert live.inbound_workers().wait_idle(timeout=60)  # handled on a worker thread
        assert live.outbox_notifier().wait_idle(timeout=60)  # the greeting, on the outbox thread

    assert answer.status_code == 200 and phone.sent == ["U" + "8" * 32]
    deliveries = [line for line in _lines(stream) if line.get("outbox_id")]
    assert [(line["outcome"], line["request_id"]) for line in deliveries] == [
        ("sent", "req-webhook-000001")]
