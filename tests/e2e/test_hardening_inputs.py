"""Odd input from a security review (issue 14) is refused clearly and changes nothing."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from domain.staff import Role
from entrypoints.containers import Container
from tests.e2e.test_audit_every_route import banks, town  # noqa: F401 (its fixtures)
from tests.support.calling_routes import acting, every_row
from tests.support.every_route_town import Town

pytestmark = pytest.mark.e2e

REGISTRY = Path(__file__).parents[1] / "fixtures" / "registry" / "registry_cp932.csv"


def _without_audit(rows: dict) -> dict:  # type: ignore[type-arg]
    return {k: v for k, v in rows.items() if not k.startswith("audit")}


def test_a_head_request_with_a_registry_file_imports_nothing(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    acting(f"staff:{Role.ADMINISTRATOR.value}", client, container, town)
    before = every_row(container)

    answer = client.open("/staff/registry-import", method="HEAD", data={
        "file": (BytesIO(REGISTRY.read_bytes()), "registry.csv")},
        content_type="multipart/form-data")

    assert answer.status_code == 200
    assert _without_audit(every_row(container)) == _without_audit(before)


def test_a_viewer_reads_an_eligibility_report_with_refused_rows_neither_by_api_nor_on_the_page(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    from tests.support.every_route_town import _eligible

    job_id = _eligible(container, "H0001", "H9999", "not a number!")
    key = acting("api:viewer", client, container, town)

    refused = client.get(f"/api/v1/jobs/{job_id}", headers=key.headers)
    assert refused.status_code == 403 and "result" not in refused.json
    acting(f"staff:{Role.VIEWER.value}", client, container, town)
    assert client.get(f"/staff/jobs/{job_id}/report").status_code == 403
    page = client.get(f"/staff/benefits/programs/p1/imports/{job_id}")
    assert page.status_code == 403 and "H9999" not in page.get_data(as_text=True)
    admin = acting("api:administrator", client, container, town)
    shown = client.get(f"/api/v1/jobs/{job_id}", headers=admin.headers)
    assert shown.status_code == 200 and shown.json["result"]["errors"]


def test_a_head_request_with_a_password_neither_signs_in_nor_counts_a_failure(
        town: Town, client: FlaskClient, container: Container) -> None:  # noqa: F811
    from tests.e2e.staff_support import PASSWORD

    _, login_id = town.staff[Role.ADMINISTRATOR]
    before = every_row(container)

    for password in (PASSWORD, "wrong password"):
        answer = client.open("/staff/login", method="HEAD",
                             data={"login_id": login_id, "password": password})
        assert answer.status_code == 200

    assert client.get("/staff/").status_code == 302  # still not signed in
    assert _without_audit(every_row(container)) == _without_audit(before)
