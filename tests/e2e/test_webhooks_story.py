"""Outbound webhooks end to end (ADR 0071): an administrator subscribes a local receiver (a real
HTTP server on 127.0.0.1 that verifies each request with the documented helper) on the
連携（Webhook） page; a 支給決定 on the staff pages fires a signed delivery; with the receiver
down the attempt is logged as failed and retried once due; it is delivered when the receiver is
up; 再送 from the page sends the same event id again."""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask.testing import FlaskClient

from application.ports.audit import AuditQuery
from domain.benefits import Application, PayoutMethod
from domain.staff import Role
from domain.webhook_signature import (
    EVENT_ID_HEADER,
    SIGNATURE_HEADER,
    InvalidSignature,
    verify_signature,
)
from domain.webhooks import DeliveryState
from entrypoints.containers import Container
from tests import builders
from tests.e2e.conftest import free_port
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e


class Receiver:
    """The town's system: verifies each request's signature with `verify_signature` and keeps
    the events it accepted (a bad signature is answered 400). Started and stopped at will on
    one port, so "down" is a refused connection."""

    def __init__(self, port: int) -> None:
        self.port, self.secret = port, ""
        self.accepted: list[tuple[str, dict]] = []  # type: ignore[type-arg]
        self.refused = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/madoguchi/events"

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    verify_signature(receiver.secret, self.headers[SIGNATURE_HEADER], body)
                except InvalidSignature:
                    receiver.refused += 1
                    self.send_response(400)
                else:
                    receiver.accepted.append((self.headers[EVENT_ID_HEADER], json.loads(body)))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join(timeout=5)
            self._server = self._thread = None


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    made = Receiver(free_port())  # not started: down until the test starts it
    yield made
    made.stop()


def _confirmed_application(container: Container) -> str:
    now = container.clock().now()
    program = builders.program(opens_at=now - dt.timedelta(days=1),
                               closes_at=now + dt.timedelta(days=30))
    with container.uow() as uow:
        uow.programs.add(program)
        head = builders.resident(id="r1", resident_number="000000001", household_number="H0001")
        uow.residents.add(head)
        uow.households.add(builders.household(id="h1", household_number="H0001",
                                              head_resident_id=head.id))
        uow.commit()
    with container.uow() as uow:
        uow.applications.add(Application.from_paper(
            id="a1", program=program, household_id="h1", payout_method=PayoutMethod.ATM_CASH,
            payee_account=None, at=now))
        uow.commit()
    return program.id


def _deliveries(container: Container) -> list:  # type: ignore[type-arg]
    with container.uow() as uow:
        [subscription] = uow.webhook_subscriptions.listed()
        return list(uow.webhook_deliveries.recent(subscription.id, limit=10))


def test_a_decision_reaches_the_towns_system_signed_after_an_outage_and_again_on_replay(
        client: FlaskClient, container: Container, receiver: Receiver) -> None:
    program_id = _confirmed_application(container)
    make_staff(container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")

    made = client.post("/staff/webhooks", data={
        "csrf_token": token(client), "url": receiver.url, "event": ["application.decided"]})
    page = made.get_data(as_text=True)
    assert made.status_code == 200, page
    receiver.secret = re.search(r"<code data-secret>([^<]+)</code>", page).group(1)  # type: ignore[union-attr]
    assert receiver.secret.startswith("whsec_")
    assert receiver.secret not in client.get("/staff/webhooks").get_data(as_text=True)

    decided = client.post(f"/staff/benefits/programs/{program_id}/decisions", data={
        "csrf_token": token(client), "decision": "approve", "application_ids": ["a1"]})
    assert decided.status_code in (302, 303)

    [delivery] = _deliveries(container)  # the receiver is down: tried once, waiting
    assert delivery.state is DeliveryState.PENDING and delivery.attempts == 1
    assert "応答なし" in client.get("/staff/webhooks").get_data(as_text=True)

    receiver.start()
    with container.uow() as uow:  # the back-off's minute has passed
        waiting = uow.webhook_deliveries.get(delivery.id)
        waiting.next_attempt_at = container.clock().now() - dt.timedelta(seconds=1)
        uow.commit()
    container.outbox_notifier().wake()

    [(event_id, body)] = receiver.accepted
    assert event_id == body["id"] == delivery.event_id and body["type"] == "application.decided"
    assert body["data"]["application_id"] == "a1" and body["data"]["decision"] == "approved"
    assert body["data"]["household_number"] == "H0001"
    assert body["occurred_at"].endswith("+09:00")
    [delivered] = _deliveries(container)
    assert delivered.state is DeliveryState.DELIVERED and delivered.attempts == 2

    replayed = client.post(f"/staff/webhooks/deliveries/{delivery.id}/replay",
                           data={"csrf_token": token(client)}, follow_redirects=True)
    assert "再送しました" in replayed.get_data(as_text=True)
    assert [event for event, _ in receiver.accepted] == [event_id, event_id]
    assert receiver.refused == 0
    with container.uow() as uow:
        assert [r.action for r in uow.audit.search(AuditQuery(target_type="webhook"))] == [
            "webhook.replay", "webhook.create"]
        log = uow.webhook_deliveries.attempts_of([delivery.id])
    assert [(a.http_status, a.replay) for a in log] == [(None, False), (204, False), (204, True)]

    # Deleted, the subscription gets nothing more; its log stays on the page, without 再送.
    subscription_id = delivery.subscription_id
    client.post(f"/staff/webhooks/{subscription_id}/delete",
                data={"csrf_token": token(client)}, follow_redirects=True)
    page = client.get("/staff/webhooks").get_data(as_text=True)
    deleted = page[page.index("data-webhooks-deleted"):]
    assert receiver.url in deleted and event_id in deleted and "削除日時" in deleted
    assert "data-replay" not in deleted
