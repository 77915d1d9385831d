"""LINE's deliveries are answered before Flask (ADR 0079) exactly as the route answers them:
the same status, body and headers; what the quick answer does not take goes to the route."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from adapters.line.simulator.webhooks import make_event, sign, signed
from adapters.persistence.orm.messaging import inbox
from entrypoints.containers import Container
from entrypoints.web.line_webhook import PATH, LineDeliveries

pytestmark = pytest.mark.e2e

USER = "U" + "7" * 32
HEADERS = ("Content-Type", "Content-Security-Policy", "X-Frame-Options",
           "X-Content-Type-Options", "Referrer-Policy", "Cache-Control")


def _stored(container: Container) -> int:
    with container.engine().connect() as connection:
        return connection.execute(select(func.count()).select_from(inbox)).scalar_one()


def _delivery(container: Container, event_id: str):  # type: ignore[no-untyped-def]
    return signed(container.config.line_channel_secret(), "Ubot", [
        make_event("postback", USER, event_id, reply_token="r", postback={"data": "menu"})])


def test_a_delivery_is_stored_and_answered_without_flasks_request_machinery(
        app: Flask, client: FlaskClient, container: Container) -> None:
    requests_flask_saw: list[str] = []
    app.before_request(lambda: requests_flask_saw.append("seen") and None)
    webhook = _delivery(container, "01JDELIVERY000000000000001")

    answer = client.post(PATH, data=webhook.body, headers={
        **webhook.headers(), "X-Request-Id": "req-delivery-0001"})

    assert (answer.status_code, answer.json) == (200, {})
    assert requests_flask_saw == []
    assert _stored(container) == 1
    assert answer.headers["X-Request-Id"] == "req-delivery-0001"
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert answer.headers["X-Frame-Options"] == "DENY"
    client.get("/healthz")
    assert requests_flask_saw == ["seen"]  # the hook is Flask's: other requests meet it


@pytest.mark.parametrize("case", ["stored", "redelivered", "forged", "unsigned", "not json"])
def test_the_quick_answer_is_the_routes_answer(client: FlaskClient, container: Container,
                                               case: str) -> None:
    """The same request, once with its length (answered before Flask) and once without one
    (the route reads it to its end)."""
    answers = []
    for index, length in enumerate([True, False]):
        webhook = _delivery(container, f"01JSAME{index}{'0' * 18}")
        body, headers = webhook.body, webhook.headers()
        if case == "redelivered":
            webhook = _delivery(container, "01JSAMEREDELIVERED00000001")
            body, headers = webhook.body, webhook.headers()
            client.post(PATH, data=body, headers=headers)
        if case == "forged":
            headers["X-Line-Signature"] = "AAAA" + headers["X-Line-Signature"][4:]
        if case == "unsigned":
            del headers["X-Line-Signature"]
        if case == "not json":
            body = b"{not json"
            headers["X-Line-Signature"] = sign(container.config.line_channel_secret(), body)
        overrides: dict[str, Any] = {} if length else {
            "CONTENT_LENGTH": "", "wsgi.input_terminated": True}
        answer = client.post(PATH, data=body, headers=headers, environ_overrides=overrides)
        answers.append((answer.status_code, answer.get_json(),
                        {name: answer.headers.get(name) for name in HEADERS}))
    assert answers[0] == answers[1]
    assert answers[0][0] == (200 if case in ("stored", "redelivered") else 400)


def test_what_the_quick_answer_does_not_take_goes_to_the_app_behind_it() -> None:
    seen: list[tuple[str, bytes]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append((environ["REQUEST_METHOD"], environ["wsgi.input"].read()))
        start_response("204 No Content", [])
        return []

    deliveries = LineDeliveries(app, None, max_length=10)  # type: ignore[arg-type]
    for method, length, body in [("GET", "", b""), ("POST", "", b"{}"), ("POST", "11", b"x" * 11),
                                 ("POST", "-1", b"{}"), ("POST", "4", b"{}")]:
        deliveries({"PATH_INFO": PATH, "REQUEST_METHOD": method, "CONTENT_LENGTH": length,
                    "wsgi.input": io.BytesIO(body)}, lambda *a: None)

    assert seen == [("GET", b""), ("POST", b"{}"), ("POST", b"x" * 11), ("POST", b"{}"),
                    ("POST", b"{}")]  # the last one short of its length: read, then handed on


def test_a_delivery_whose_storing_fails_is_answered_by_the_app_without_storing_again(
        client: FlaskClient, container: Container, monkeypatch: pytest.MonkeyPatch) -> None:
    tries: list[int] = []

    def unreachable(*args: object, **kwargs: object) -> list[str]:
        tries.append(1)
        raise OperationalError("INSERT INTO inbox …", {}, ConnectionRefusedError())

    monkeypatch.setattr(container.inbox_queue(), "store", unreachable)
    webhook = _delivery(container, "01JDELIVERYFAILS0000000001")

    answer = client.post(PATH, data=webhook.body, headers=webhook.headers())

    assert answer.status_code == 500  # LINE redelivers it
    assert tries == [1] and _stored(container) == 0
    registry = container.metrics().registry
    assert registry.get_sample_value("madoguchi_webhook_request_seconds_count",
                                     {"status": "500"}) == 1
    assert registry.get_sample_value("madoguchi_webhook_events_received_total") == 1
