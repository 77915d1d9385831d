"""A plug-in's inbound webhooks end to end (ADR 0073), on the app served over real HTTP: with
MADOGUCHI_SMS_PROVIDER=example-http and its webhook secret, a notice goes out through the
example plug-in, the vendor's stand-in posts its signed status to the town's generic route
(POST /sms/example-http/webhook) and the notice shows 配信済み; an unknown number's failure marks
the number unreachable; the resident's SMS reply 「はい」 applies and the answer goes back by SMS,
as Twilio's inbound SMS does; STOP blocks. A forged post gets 403 and changes nothing, a
redelivered one changes nothing, and another provider's name is not there (404)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from madoguchi_sms_example.standin import StandIn, post_over_http, running_standin
from sqlalchemy import Engine, func, select

from adapters.persistence.orm.messaging import inbox
from application.messaging.outbox import DeliveryStatus
from domain.benefits import ApplicationStatus
from domain.channels import IdentityStatus
from domain.staff import Role
from entrypoints.config import Settings
from entrypoints.containers import Container, build_container, shutdown
from tests.conftest import GENEROUS_RATE_LIMITS, TEST_KEY, _fast_hasher
from tests.e2e.staff_support import make_staff, sign_in
from tests.e2e.test_example_sms_plugin import PHONE, SENDER, TOKEN, _notified_on_sms
from tests.support._serving import serving

pytestmark = pytest.mark.e2e

SECRET = "example-webhook-secret-for-tests"
PUBLIC_URL = "http://127.0.0.1:8000"  # the test town's (its default)
ROUTE = "/sms/example-http/webhook"


@pytest.fixture
def standin() -> Iterator[StandIn]:
    with running_standin(TOKEN, SENDER, webhook_secret=SECRET,
                         inbound_url=f"{PUBLIC_URL}{ROUTE}") as vendor:
        yield vendor


@pytest.fixture
def container(engine: Engine, tmp_path: Path, standin: StandIn) -> Iterator[Container]:
    """The test town, its SMS through the example plug-in with the vendor's webhook secret."""
    built = build_container(Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY, "MADOGUCHI_TASK_QUEUE": "eager",
        "MADOGUCHI_TOWN_NAME": "試験町", **GENEROUS_RATE_LIMITS,
        "MADOGUCHI_SMS_PROVIDER": "example-http", "EXAMPLE_SMS_API_URL": standin.base_url,
        "EXAMPLE_SMS_TOKEN": TOKEN, "EXAMPLE_SMS_SENDER": SENDER,
        "EXAMPLE_SMS_WEBHOOK_SECRET": SECRET}))
    built.engine.override(engine)
    built.password_hasher.override(_fast_hasher())
    yield built
    shutdown(built)
    built.unwire()
    built.reset_singletons()


@pytest.fixture
def vendor(app: Flask, standin: StandIn) -> Iterator[StandIn]:
    """The app served on a free port; the vendor's stand-in posts its signed webhooks to it
    over HTTP (at the URL under the town's public URL it was given)."""
    with serving(app, "madoguchi-app") as served:
        def post(url: str, body: bytes, headers: dict[str, str]) -> int:
            assert url.startswith(PUBLIC_URL), url
            return post_over_http(served + url[len(PUBLIC_URL):], body, headers)

        standin.post = post
        yield standin


def _delivery(container: Container) -> DeliveryStatus:
    with container.uow() as uow:
        return uow.outbox.get("n1").delivery_status


def _application(container: Container) -> ApplicationStatus:
    with container.uow() as uow:
        return uow.applications.get("a1").status


def _inbox_rows(container: Container) -> int:
    with container.engine().connect() as connection:
        return int(connection.execute(select(func.count()).select_from(inbox)).scalar_one())


def test_the_vendors_signed_delivered_status_shows_the_notice_delivered_once(
        container: Container, client: FlaskClient, vendor: StandIn) -> None:
    _notified_on_sms(container)
    container.outbox_notifier().wake()
    [sent] = vendor.inbox(PHONE)
    assert sent.status_callback == f"{PUBLIC_URL}{ROUTE}"  # the town's route, by default
    assert _delivery(container) is DeliveryStatus.SENDING

    assert vendor.pump_callbacks() == [204]

    assert _delivery(container) is DeliveryStatus.DELIVERED
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    page = client.get("/staff/residents/r1").get_data(as_text=True)
    assert 'data-delivery-status="delivered">配信済み<' in page
    # redelivered, and a late "sent" after it: nothing changes
    [(url, event)] = vendor.callbacks
    assert vendor.deliver(url, event) == 204
    assert vendor.deliver(url, {**event, "status": "sent"}) == 204
    assert _delivery(container) is DeliveryStatus.DELIVERED


def test_an_unknown_number_marks_it_unreachable(container: Container,
                                               vendor: StandIn) -> None:
    vendor.undeliverable.add(PHONE)
    _notified_on_sms(container)
    container.outbox_notifier().wake()

    assert vendor.pump_callbacks() == [204]

    assert _delivery(container) is DeliveryStatus.PERMANENT_FAILURE
    with container.uow() as uow:
        assert uow.channel_identities.get("sms-r1").status is IdentityStatus.UNREACHABLE


def test_a_reply_hai_by_sms_applies_once_and_the_answer_comes_by_sms(
        container: Container, vendor: StandIn) -> None:
    _notified_on_sms(container)
    container.outbox_notifier().wake()
    assert _application(container) is ApplicationStatus.NOTIFIED

    reply_id, answered = vendor.reply(PHONE, "はい")

    assert answered == 204
    assert _application(container) is ApplicationStatus.CONFIRMED
    answers = vendor.inbox(PHONE)
    assert len(answers) == 2 and "申請を受け付けました" in answers[-1].body
    assert _inbox_rows(container) == 1
    # the vendor redelivers it: stored once, answered once
    reply = {"type": "message.inbound", "id": reply_id, "from": PHONE, "to": SENDER,
             "text": "はい"}
    assert vendor.deliver(f"{PUBLIC_URL}{ROUTE}", reply) == 204
    assert _inbox_rows(container) == 1 and len(vendor.inbox(PHONE)) == 2


def test_stop_by_sms_blocks_the_number(container: Container, vendor: StandIn) -> None:
    _notified_on_sms(container)

    assert vendor.reply(PHONE, "STOP")[1] == 204

    with container.uow() as uow:
        assert uow.channel_identities.get("sms-r1").status is IdentityStatus.BLOCKED


def test_a_forged_post_is_refused_and_changes_nothing(container: Container,
                                                     vendor: StandIn) -> None:
    _notified_on_sms(container)
    container.outbox_notifier().wake()
    [sent] = vendor.inbox(PHONE)
    url = f"{PUBLIC_URL}{ROUTE}"
    status = json.dumps({"type": "message.status", "id": sent.id, "status": "failed",
                         "error_code": "unknown_number"}).encode()
    reply = json.dumps({"type": "message.inbound", "id": "in_1", "from": PHONE,
                        "text": "はい"}).encode()
    forger = StandIn(TOKEN, SENDER, webhook_secret="another-accounts-secret")

    for body in (status, reply):
        for headers in ({}, {"X-Example-Signature": "sha256=forged"},
                        {"X-Example-Signature": forger.sign(body)}):
            assert vendor.post(url, body, {"Content-Type": "application/json",
                                           **headers}) == 403

    assert _delivery(container) is DeliveryStatus.SENDING
    assert _application(container) is ApplicationStatus.NOTIFIED
    assert _inbox_rows(container) == 0 and len(vendor.inbox(PHONE)) == 1
    with container.uow() as uow:
        assert uow.channel_identities.get("sms-r1").status is IdentityStatus.FOLLOWING


def test_a_signed_body_the_reader_cannot_read_is_a_bad_request(container: Container,
                                                              vendor: StandIn) -> None:
    assert vendor.deliver(f"{PUBLIC_URL}{ROUTE}", {"type": "message.exploded"}) == 400


def test_only_the_chosen_providers_route_is_there(client: FlaskClient) -> None:
    for provider in ("twilio", "none", "carrier-pigeon"):
        assert client.post(f"/sms/{provider}/webhook", data=b"{}").status_code == 404
