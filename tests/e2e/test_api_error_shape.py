"""Every refusal under /api/v1 is {"error": {"code", "message"}} with a Japanese message,
Flask's own (404, 405, 413) and a body the API cannot read (400, 415) included (ADR 0072)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

pytestmark = pytest.mark.e2e

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("method, path, how, status, code", [
    ("get", "/api/v1/no-such-thing", {}, 404, "not_found"),
    ("delete", "/api/v1/programs", {}, 405, "method_not_allowed"),
    ("post", "/api/v1/programs", {"data": "name=x",
                                  "content_type": "application/x-www-form-urlencoded"},
     415, "unsupported_media_type"),
    ("post", "/api/v1/programs", {"data": "{\"name\": ", "content_type": "application/json"},
     400, "malformed_json"),
    ("post", "/api/v1/programs", {"json": ["a list"]}, 400, "bad_request"),
    ("post", "/api/v1/programs", {"json": {"name": "a\u0000b"}}, 422, "invalid_field"),
    ("post", "/api/v1/programs", {"data": '{"name": "x\\ud800"}',  # a lone surrogate
                                  "content_type": "application/json"}, 422, "invalid_field"),
    ("get", "/api/v1/programs/p1/applications?limit=abc", {}, 404, "not_found"),
    ("post", "/api/v1/programs", {"data": b"x" * (17 << 20),
                                  "content_type": "application/json"},
     413, "request_entity_too_large"),
])
def test_each_refusal_has_the_one_shape_in_japanese(client: FlaskClient, api_key: Any,
                                                    method: str, path: str, how: dict[str, Any],
                                                    status: int, code: str) -> None:
    response = getattr(client, method)(path, headers=api_key("administrator"), **how)
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert set(response.json) == {"error"} and set(response.json["error"]) == {"code", "message"}
    assert response.json["error"]["code"] == code
    assert JAPANESE.search(response.json["error"]["message"])
    if status == 405:
        assert "GET" in response.headers["Allow"] and "POST" in response.headers["Allow"]
