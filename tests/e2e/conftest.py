from __future__ import annotations

import itertools
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from adapters.line.simulator.running import running_simulator
from application.access.actor import Actor
from application.access.creating_api_key import CreateApiKey, create_api_key
from application.surveys.satisfaction import QUESTION as SATISFACTION_QUESTION
from entrypoints.containers import Container
from entrypoints.web import create_app
from tests.support._serving import serving

OPERATOR = Actor.operator("test")  # who sets up keys and staff on the server


@pytest.fixture
def app(container: Container) -> Flask:
    return create_app(container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api_key(container: Container):  # type: ignore[no-untyped-def]
    """Makes a bearer header for a new key with the given role. Each key is its own
    organisation's unless `organisation` (a name) or `staff` (a log-in id) says whose it is."""
    made = itertools.count(1)

    def make(role: str, *, organisation: str = "", staff: str = "") -> dict[str, str]:
        owner = organisation or ("" if staff else f"test-{role}-{next(made)}")
        created = create_api_key(CreateApiKey(name=f"test-{role}", role=role, actor=OPERATOR,
                                              organisation=owner, staff_login_id=staff),
                                 uow=container.uow(), ids=container.ids(),
                                 clock=container.clock())
        return {"Authorization": f"Bearer {created.secret}"}

    return make


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    def __init__(self, container: Container, sim: Any, app_url: str) -> None:
        self.container, self.sim, self.app_url = container, sim, app_url

    def resident(self, name: str = "山田 花子") -> str:
        return self.sim.add_user(name).user_id

    def messages(self, user_id: str) -> list[dict[str, Any]]:
        """The LINE messages the resident's phone received, oldest first (after delivering
        what the outbox still holds, as the dispatcher's next round would)."""
        self.container.outbox_notifier().wake()
        return [delivery["message"] for delivery in self.sim.received(user_id)]

    def last(self, user_id: str) -> dict[str, Any]:
        return self.messages(user_id)[-1]

    def texts(self, user_id: str) -> list[str]:
        return [m.get("text") or m.get("altText", "") for m in self.messages(user_id)]

    def said(self, user_id: str) -> str:
        """The newest text other than the satisfaction question that follows a completed
        procedure (ADR 0059): what the procedure itself said last."""
        return [text for text in self.texts(user_id) if text != SATISFACTION_QUESTION][-1]

    def tap(self, user_id: str, label: str) -> None:
        """Tap the quick reply (or button) with this label on the newest message."""
        data = _postback_data(self.last(user_id), label)
        assert self.sim.postback(user_id, data, label).status == 200

    def count(self, table: str) -> int:
        from sqlalchemy import text

        with self.container.engine().connect() as connection:
            return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _postback_data(message: dict[str, Any], label: str) -> str:
    actions = [item["action"] for item in message.get("quickReply", {}).get("items", [])]
    template = message.get("template", {})
    actions += template.get("actions", [])
    footer = message.get("contents", {}).get("footer", {})  # a flex card's buttons
    actions += [button["action"] for button in footer.get("contents", [])]
    for action in actions:
        if action.get("label") == label:
            return action["data"]
    raise AssertionError(f"no button {label!r} in {json.dumps(message, ensure_ascii=False)}")


@pytest.fixture
def stack(container: Container) -> Iterator[Stack]:
    secret = container.config.line_channel_secret()
    token = container.config.line_access_token()
    with running_simulator(secret, token, None, bot_name="試験町役場") as sim:
        container.config.line_api_base_url.from_value(sim.base_url)
        port = free_port()
        container.config.public_url.from_value(f"http://127.0.0.1:{port}")
        with serving(create_app(container), "madoguchi-app", port=port) as app_url:
            sim.set_webhook_url(f"{app_url}/line/webhook")
            yield Stack(container, sim, app_url)
