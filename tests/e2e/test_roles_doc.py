"""Which role each action needs is written where a town's IT person looks (docs/roles.md, and
each operation of the OpenAPI document), from the rules the code enforces, so it cannot
drift."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from domain.access import Permission
from entrypoints.web.api.openapi import openapi_document
from entrypoints.web.api.roles import roles_markdown, route_rules

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_docs_roles_md_is_what_the_code_enforces(app: Flask) -> None:
    written = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    assert written == roles_markdown(app, openapi_document()), (
        "docs/roles.md is out of date: .venv/bin/python -m entrypoints.roles_doc > docs/roles.md")


def test_the_roles_page_says_a_campaign_needs_an_administrator_key(app: Flask) -> None:
    written = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    assert ("| `POST /programs/{program_id}/campaigns` | `manage_programs` | `administrator` |"
            in written)
    assert "[roles](docs/roles.md)" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_api_operation_says_the_permission_and_roles_it_needs(
        app: Flask, client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").json
    rules = route_rules(app, "/api/v1/")
    for path, item in document["paths"].items():
        for method, operation in item.items():
            rule = rules[(method.upper(), path)]
            if isinstance(rule, Permission):
                assert operation["x-required-permission"] == rule.value, (method, path)
                assert "必要な権限: " in operation["description"]
                assert operation["security"][0]["apiKey"][0] == rule.value, (method, path)
    create = document["paths"]["/programs"]["post"]
    assert create["description"].endswith("この権限を持つ役割: 管理者（administrator）。"
                                          "必要なスコープ: manage_programs、write。")
    export = document["paths"]["/programs/{program_id}/applications.csv"]["get"]
    assert "担当者（case_worker）、決裁者（approver）、管理者（administrator）" in \
        export["description"]
    assert export["description"].startswith("申請した世帯")


def test_the_readme_integrator_example_works_with_the_role_it_makes(
        client: FlaskClient, api_key) -> None:  # type: ignore[no-untyped-def]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    role = re.search(r'apikey create --name "基幹系連携" --role (\w+)', readme)
    assert role
    key = api_key(role.group(1))
    body = json.loads(re.search(r"/api/v1/programs -d \\\n  '(\{.*?\})'", readme, re.S).group(1))

    created = client.post("/api/v1/programs", json=body, headers=key)
    assert created.status_code == 201, created.json
    program = f"/api/v1/programs/{created.json['id']}"
    assert client.post(f"{program}/status", json={"status": "open"},
                       headers=key).status_code == 200
    imported = client.post(f"{program}/eligibility", data="世帯番号\n".encode(),
                           headers={**key, "Content-Type": "text/csv"})
    assert imported.status_code == 202, imported.json
    started = client.post(f"{program}/campaigns", headers=key)
    assert started.status_code in (202, 409), started.json  # 409: nobody to notify yet
    assert started.status_code != 403
    exported = client.get(f"{program}/applications.xlsx", headers=key)
    assert exported.status_code == 200 and exported.data.startswith(b"PK")

    worker = api_key("case_worker")
    assert client.post("/api/v1/programs", json=body, headers=worker).status_code == 403
