"""The REST API over the Flask test client, on a real database."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.access import Permission
from domain.staff import Role
from entrypoints.web.access import rule_of

pytestmark = pytest.mark.e2e

PROGRAM = {
    "name": "子育て応援給付金",
    "amount_per_household": 50000,
    "eligibility_source": "児童手当受給世帯",
    "opens_at": "2026-07-01T09:00:00+09:00",
    "closes_at": "2026-09-30T17:00:00+09:00",
    "payout_methods": ["bank_transfer"],
}


def test_the_health_check_answers_when_the_database_does(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_the_front_page_is_in_japanese(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "試験町 窓口" in response.get_data(as_text=True)


def test_the_openapi_document_lists_exactly_the_routes_served(app: Flask,
                                                              client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item}
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
            served.update((path, m) for m in rule.methods - {"HEAD", "OPTIONS"})
    assert document["openapi"].startswith("3.")
    assert documented == served


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    """Deny by default: a new route without a rule fails here (and create_app refuses it)."""
    rules = {rule.rule: rule_of(app.view_functions[rule.endpoint])
             for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert all(rule is not None for rule in rules.values()), rules
    assert rules["/api/v1/programs/<program_id>/status"] is Permission.MANAGE_PROGRAMS


ROUTES = [
    ("get", "/api/v1/programs", Permission.VIEW_PROGRAMS),
    ("post", "/api/v1/programs", Permission.MANAGE_PROGRAMS),
    ("get", "/api/v1/programs/unknown", Permission.VIEW_PROGRAMS),
    ("post", "/api/v1/programs/unknown/status", Permission.MANAGE_PROGRAMS),
    ("get", "/api/v1/jobs/unknown", Permission.VIEW_JOBS),
    ("get", "/api/v1/verifications", Permission.REVIEW_VERIFICATIONS),
    ("post", "/api/v1/verifications/unknown/decision", Permission.REVIEW_VERIFICATIONS),
]


@pytest.mark.parametrize("method, path, permission", ROUTES)
@pytest.mark.parametrize("role", list(Role))
def test_each_route_admits_exactly_the_roles_holding_its_permission(
    client: FlaskClient, api_key: Any, method: str, path: str, permission: Permission,
    role: Role,
) -> None:
    from domain.access import allows

    response = getattr(client, method)(path, headers=api_key(role.value), json={})

    if allows(role, permission):
        assert response.status_code not in (401, 403)
    else:
        assert response.status_code == 403
        assert response.json["error"]["code"] == "forbidden"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer mdg_nope"},
                                     {"Authorization": "Basic abc"}])
def test_a_request_without_a_valid_key_is_refused_with_a_json_error(
    client: FlaskClient, headers: dict[str, str],
) -> None:
    response = client.get("/api/v1/programs", headers=headers)
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthenticated"
    assert response.json["error"]["message"]


def test_an_administrator_creates_opens_and_reads_a_program(client: FlaskClient,
                                                            api_key: Any) -> None:
    admin = api_key("administrator")

    created = client.post("/api/v1/programs", json=PROGRAM, headers=admin)
    assert created.status_code == 201, created.json
    program_id = created.json["id"]
    assert created.json["status"] == "draft"
    assert created.headers["Location"].endswith(f"/api/v1/programs/{program_id}")

    opened = client.post(f"/api/v1/programs/{program_id}/status", json={"status": "open"},
                         headers=admin)
    assert opened.json == {"id": program_id, "status": "open"}

    listed = client.get("/api/v1/programs", headers=api_key("viewer")).json["programs"]
    assert [(p["name"], p["status"], p["amount_per_household"]) for p in listed] == [
        ("子育て応援給付金", "open", 50000)]
    read = client.get(f"/api/v1/programs/{program_id}", headers=admin).json
    assert read["opens_at"] == "2026-07-01T00:00:00+00:00"


@pytest.mark.parametrize("change, status, fragment", [
    ({"amount_per_household": "50000"}, 422, "型"),
    ({"amount_per_household": True}, 422, "型"),
    ({"amount_per_household": -1}, 422, "負の値"),
    ({"amount_per_household": 10_000_001}, 422, "10,000,000円以下"),
    ({"amount_per_household": 2**63 - 1}, 422, "大きすぎます"),
    ({"amount_per_household": 2**63 * 10}, 422, "大きすぎます"),
    ({"opens_at": "2026-07-01"}, 422, "タイムゾーン"),
    ({"opens_at": "yesterday"}, 422, "ISO 8601"),
    ({"payout_methods": ["cheque"]}, 422, "支給方法"),
    ({"name": None}, 422, "name"),
])
def test_a_bad_program_is_refused_with_a_clear_message_and_nothing_stored(
    client: FlaskClient, api_key: Any, change: dict[str, Any], status: int, fragment: str,
) -> None:
    admin = api_key("administrator")

    response = client.post("/api/v1/programs", json={**PROGRAM, **change}, headers=admin)

    assert response.status_code == status
    assert fragment in response.json["error"]["message"]
    assert client.get("/api/v1/programs", headers=admin).json["programs"] == []


def test_a_body_that_is_not_json_is_refused(client: FlaskClient, api_key: Any) -> None:
    response = client.post("/api/v1/programs", data="name=x", headers=api_key("administrator"),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json["error"]["code"] == "unsupported_media_type"
    broken = client.post("/api/v1/programs", data="{\"name\": ", headers=api_key("administrator"),
                         content_type="application/json")
    assert broken.status_code == 400 and broken.json["error"]["code"] == "malformed_json"
    assert "JSON" in broken.json["error"]["message"]


def test_a_second_program_with_the_same_name_is_a_conflict(client: FlaskClient,
                                                           api_key: Any) -> None:
    admin = api_key("administrator")
    client.post("/api/v1/programs", json=PROGRAM, headers=admin)

    response = client.post("/api/v1/programs", json=PROGRAM, headers=admin)

    assert response.status_code == 422
    assert response.json["error"]["code"] == "duplicate_program"


def test_an_illegal_status_change_is_a_conflict(client: FlaskClient, api_key: Any) -> None:
    admin = api_key("administrator")
    program_id = client.post("/api/v1/programs", json=PROGRAM, headers=admin).json["id"]

    response = client.post(f"/api/v1/programs/{program_id}/status", json={"status": "closed"},
                           headers=admin)

    assert response.status_code == 409
    assert "受付終了にできません" in response.json["error"]["message"]


def test_unknown_things_are_404_in_the_json_shape(client: FlaskClient, api_key: Any) -> None:
    viewer = api_key("viewer")
    for path in ("/api/v1/programs/nope", "/api/v1/jobs/nope", "/api/v1/nothing-here"):
        response = client.get(path, headers=viewer)
        assert response.status_code == 404
        assert set(response.json["error"]) == {"code", "message"}


def test_a_job_shows_its_progress_and_result(client: FlaskClient, api_key: Any,
                                             container: Any) -> None:
    from application.jobs.running import start_job
    from entrypoints.jobs import SEED_DEMO_TOWN

    job_id = start_job(SEED_DEMO_TOWN, {"households": 2}, uow=container.uow(),
                       queue=container.job_queue(), catalog=container.job_catalog(),
                       ids=container.ids(), clock=container.clock())

    job = client.get(f"/api/v1/jobs/{job_id}", headers=api_key("administrator")).json
    assert job["status"] == "succeeded"
    assert job["progress"] == {"done": 2, "total": 2}
    assert job["result"]["households"] == 2


def test_a_jobs_report_is_only_for_those_who_may_see_its_kind(client: FlaskClient, api_key: Any,
                                                              container: Any) -> None:
    """As on the staff pages: the demo seed's report is the administrators', an import's is for
    those who may import (its row errors can quote the file)."""
    from application.jobs.running import start_job
    from entrypoints.jobs import SEED_DEMO_TOWN

    job_id = start_job(SEED_DEMO_TOWN, {"households": 1}, uow=container.uow(),
                       queue=container.job_queue(), catalog=container.job_catalog(),
                       ids=container.ids(), clock=container.clock())

    refused = client.get(f"/api/v1/jobs/{job_id}", headers=api_key("approver"))
    assert refused.status_code == 403 and "result" not in refused.json
