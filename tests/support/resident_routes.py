"""How tests/e2e/test_audit_every_route.py calls the web channel's routes (/r/…) once each, as a
resident's browser would: signed in where the route needs it, with the form's token."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from application.messaging.outbox import OutboxMessage
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from entrypoints.containers import Container
from tests.support.every_route_town import Town

__all__ = ["link_page", "link_tap", "page", "photo", "sign_in_code_form", "sign_in_code_sent",
           "sign_out", "tap", "typed"]


def _started(client: FlaskClient) -> dict[str, str]:
    """A new web identity for this browser; the form fields its page's forms carry."""
    assert client.post("/r/start").status_code == 303
    html = client.get("/r/").get_data(as_text=True)
    token = re.search(r'name="t" value="([^"]+)"', html)
    nonce = re.search(r'name="n" value="([^"]+)"', html)
    assert token and nonce
    return {"t": token[1], "n": nonce[1]}


def page(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    _started(client)
    return client.get("/r/")


def tap(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.post("/r/tap", data={**_started(client), "data": "start:contact"})


def typed(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    fields = _started(client)
    client.post("/r/tap", data={**fields, "data": "start:contact", "n": "every-route-1"})
    return client.post("/r/text", data={**fields, "text": "窓口 花子", "n": "every-route-2"})


def photo(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.post("/r/photo", data={**_started(client),
                                         "photo": (io.BytesIO(b"\xff\xd8\xff a photo"), "a.jpg")},
                       content_type="multipart/form-data")


def place(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    fields = _started(client)
    client.post("/r/tap", data={**fields, "data": "start:report", "n": "every-route-1"})
    return client.post("/r/location", data={**fields, "address": "本町2丁目5番",
                                            "latitude": "35.5", "longitude": "139.25",
                                            "n": "every-route-2"})


def sign_out(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.post("/r/sign-out", data=_started(client))


def _link(container: Container) -> str:
    """A personal link for a message sent to the resident of LINE identity c1."""
    now = container.clock().now()
    with container.uow() as uow:
        message = OutgoingMessage(text="見本町からのお知らせです。", style=MessageStyle.BUTTONS,
                                  choices=(Choice("メニュー", "menu"),))
        row = OutboxMessage.of([message], id=container.ids().new_id(), channel="line",
                               recipient="U" + "1".zfill(32), at=now)
        uow.outbox.add(row)
        uow.commit()
        message_id = row.id
    url = container.personal_links().personal_link("c1", "message", message_id=message_id)
    return url.removeprefix(container.config.public_url())


def link_page(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.get(_link(container))


def link_tap(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.post(_link(container), data={"data": "menu"})


def sign_in_code_sent(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    return client.post("/r/sign-in", data={"address": "090-1234-5678"})


def sign_in_code_form(client: FlaskClient, town: Town, container: Container) -> TestResponse:
    sign_in_code_sent(client, town, container)
    return client.get("/r/sign-in/code")


def sign_in_code_checked(client: FlaskClient, town: Town,
                         container: Container) -> TestResponse:
    sign_in_code_sent(client, town, container)
    return client.post("/r/sign-in/code", data={"code": "000000"})  # nobody's: refused (400)
