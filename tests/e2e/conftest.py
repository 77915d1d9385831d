from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from application.access.creating_api_key import CreateApiKey, create_api_key
from entrypoints.containers import Container
from entrypoints.web import create_app


@pytest.fixture
def app(container: Container) -> Flask:
    return create_app(container)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def api_key(container: Container):  # type: ignore[no-untyped-def]
    """Makes a bearer header for a new key with the given role."""

    def make(role: str) -> dict[str, str]:
        created = create_api_key(CreateApiKey(name=f"test-{role}", role=role),
                                 uow=container.uow(), ids=container.ids(),
                                 clock=container.clock())
        return {"Authorization": f"Bearer {created.secret}"}

    return make
