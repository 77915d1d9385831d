"""A use case's refusal reaches an API client as the HTTP status that names it, with the
Japanese message, never as a 500."""

from __future__ import annotations

import pytest
from flask import Flask

from application.ports.unit_of_work import ConcurrentUpdate
from domain.errors import DomainError, IllegalTransition, NotAllowed, NotFound
from entrypoints.web.errors import register_error_handlers

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("error", "status", "code"), [
    (NotAllowed("支給決定の権限がありません。"), 403, "forbidden"),
    (NotFound("給付金が見つかりません。"), 404, "not_found"),
    (IllegalTransition("受付中ではありません。"), 409, "illegal_transition"),
    (DomainError("口座番号は7桁です。"), 422, "domain_error"),
    (ConcurrentUpdate(), 409, "conflict"),
])
def test_an_error_becomes_its_status_and_message(error: Exception, status: int,
                                                 code: str) -> None:
    app = Flask(__name__)
    register_error_handlers(app)

    @app.get("/api/v1/thing")
    def thing():  # type: ignore[no-untyped-def]
        raise error

    response = app.test_client().get("/api/v1/thing")

    assert response.status_code == status
    body = response.get_json()["error"]
    assert body["code"] == code
    assert body["message"] == getattr(error, "message", body["message"])
