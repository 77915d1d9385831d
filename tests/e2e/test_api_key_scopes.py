"""API keys limited to some of their role's permissions (scopes), read-only keys, and each
key's rate limit a minute (ADR 0072): refused in the one error shape, in Japanese, and the
OpenAPI document names each operation's scope from the same rule."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from application.access.creating_api_key import CreateApiKey, create_api_key
from domain.errors import InvalidValue
from entrypoints.containers import Container
from tests.e2e.conftest import OPERATOR
from tests.support.calling_routes import audit_head, audit_since

pytestmark = pytest.mark.e2e

PROGRAM = {"name": "子育て応援給付金", "amount_per_household": 50000,
           "eligibility_source": "児童手当受給世帯", "opens_at": "2026-07-01T09:00:00+09:00",
           "closes_at": "2026-09-30T17:00:00+09:00", "payout_methods": ["bank_transfer"]}


def _key(container: Container, role: str = "administrator", **limits: Any) -> dict[str, str]:
    made = create_api_key(CreateApiKey(name="連携", role=role, actor=OPERATOR,
                                       organisation="ベンダー", **limits),
                          uow=container.uow(), ids=container.ids(), clock=container.clock())
    return {"Authorization": f"Bearer {made.secret}"}


def test_a_scoped_key_may_use_only_its_scopes(client: FlaskClient,
                                              container: Container) -> None:
    before = audit_head(container)
    key = _key(container, scopes=("view_programs",))
    created = [r for r in audit_since(container, before) if r.action == "api_key.create"]
    assert created[0].detail["scopes"] == "view_programs"
    assert client.get("/api/v1/programs", headers=key).status_code == 200
    refused = client.post("/api/v1/programs", headers=key, json=PROGRAM)
    assert refused.status_code == 403
    assert refused.json["error"]["code"] == "missing_scope"
    assert "manage_programs" in refused.json["error"]["message"]
    assert client.get("/api/v1/programs", headers=key).json["programs"] == []


def test_a_read_only_key_reads_but_never_writes(client: FlaskClient,
                                                container: Container) -> None:
    key = _key(container, read_only=True)
    assert client.get("/api/v1/programs", headers=key).status_code == 200
    refused = client.post("/api/v1/programs", headers=key, json=PROGRAM)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "missing_scope"
    assert "write" in refused.json["error"]["message"]


def test_a_scope_beyond_the_role_is_refused_when_the_key_is_made(container: Container) -> None:
    with pytest.raises(InvalidValue, match="役割"):
        _key(container, role="viewer", scopes=("manage_programs",))
    with pytest.raises(InvalidValue, match="スコープ"):
        _key(container, scopes=("no_such_permission",))


def test_a_key_past_its_rate_limit_is_answered_429_with_retry_after(
        client: FlaskClient, container: Container) -> None:
    key, other = _key(container, rate_limit_per_minute=3), _key(container)
    assert [client.get("/api/v1/programs", headers=key).status_code
            for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/programs", headers=key)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json["error"]["code"] == "too_many_requests"
    assert "しばらく" in refused.json["error"]["message"]
    assert client.get("/api/v1/programs", headers=other).status_code == 200  # per key


def test_the_document_names_each_operations_scope(client: FlaskClient, api_key: Any) -> None:
    document = client.get("/api/v1/openapi.json").json
    listing = document["paths"]["/programs"]
    assert listing["get"]["security"] == [{"apiKey": ["view_programs"]}]
    assert listing["post"]["security"] == [{"apiKey": ["manage_programs", "write"]}]
    assert "missing_scope" in document["components"]["securitySchemes"]["apiKey"]["description"]
    assert "429" in listing["get"]["responses"]
