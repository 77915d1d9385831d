"""The typed parts of /api/v1 the integrators' kit asked for (ADR 0072): a job's result by its
kind, the 世帯番号 on applications and the households resource, and the decision call's answer
with each application's outcome, refusals included."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from flask.testing import FlaskClient

from adapters.line.simulator.running import running_simulator
from entrypoints.containers import Container
from entrypoints.web.api.paging import cursor_of
from tests.support.calling_routes import audit_head, audit_since
from tests.support.every_route_town import seed_town

pytestmark = pytest.mark.e2e


def _validate(client: FlaskClient, method: str, path: str, response: Any) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", client.application)
    schema[path][method].validate_response(response)


def test_the_eligibility_import_job_says_what_it_added_by_its_kind(
        client: FlaskClient, container: Container, api_key: Any) -> None:
    town = seed_town(container)
    admin = api_key("administrator")
    response = client.get(f"/api/v1/jobs/{town.job}", headers=admin)
    job = response.json
    assert job["name"] == "import_eligibility" and job["status"] == "succeeded"
    assert job["result"]["added"] == 4 and job["result"]["unknown_count"] == 0
    assert job["result"]["reach"]["eligible"] == 4
    _validate(client, "GET", "/jobs/{job_id}", response)
    document = client.get("/api/v1/openapi.json").json
    kinds = document["components"]["schemas"]["Job"]["discriminator"]["mapping"]
    assert kinds["import_eligibility"].endswith("/EligibilityImportJob")
    result = document["components"]["schemas"]["EligibilityImportJob"]["allOf"][1]
    typed = result["properties"]["result"]["oneOf"][1]
    assert {"added", "unknown_count", "reach"} <= set(typed["required"])


def test_applications_carry_the_household_number_and_the_household_answers_by_it(
        client: FlaskClient, container: Container, api_key: Any) -> None:
    town = seed_town(container)
    worker = api_key("case_worker")
    listed = client.get(f"/api/v1/programs/{town.program}/applications", headers=worker).json
    numbers = {a["id"]: a["household_number"] for a in listed["applications"]}
    assert numbers[town.line_application].startswith("H")
    number = numbers[town.paper_application]
    before = audit_head(container)
    response = client.get(f"/api/v1/households/{number}", headers=worker)
    assert response.status_code == 200, response.json
    household = response.json
    assert household["household_number"] == number
    assert household["member_count"] >= 1
    assert town.paper_application in [a["id"] for a in household["applications"]]
    assert household["members"] and household["members"][0]["relationship"] == "世帯主"
    _validate(client, "GET", "/households/{number}", response)
    looks = [r for r in audit_since(container, before) if r.action == "household.view"]
    assert len(looks) == 1 and looks[0].detail["with_members"] is True
    assert number not in str(looks[0].detail)
    assert client.get(f"/api/v1/households/{number}",
                      headers=api_key("viewer")).status_code == 403
    missing = client.get("/api/v1/households/NOPE999", headers=worker)
    assert missing.status_code == 404 and missing.json["error"]["code"] == "no_household"


def test_a_decision_answers_200_with_each_applications_outcome_refusals_included(
        client: FlaskClient, container: Container, api_key: Any) -> None:
    town = seed_town(container)
    with running_simulator(container.config.line_channel_secret(),
                           container.config.line_access_token(), None) as line:
        container.config.line_api_base_url.from_value(line.base_url)  # the decision's notice
        response = client.post(f"/api/v1/programs/{town.program}/decisions",
                               headers=api_key("approver"),
                               json={"decision": "approve", "application_ids": [
                                   town.paper_application, town.decided_application, "nope"]})
    assert response.status_code == 200
    report = response.json
    assert report["requested"] == 3 and report["decided"] == 1
    assert report["all_decided"] is False
    outcomes = {o["id"]: o["outcome"] for o in report["outcomes"]}
    assert outcomes == {town.paper_application: "approved",
                        town.decided_application: "refused", "nope": "refused"}
    _validate(client, "POST", "/programs/{program_id}/decisions", response)


LISTS = [("/api/v1/programs/{program}/applications", "applications"),
         ("/api/v1/batches", "batches"), ("/api/v1/certificate-requests", "certificate_requests")]


def test_each_list_is_read_page_by_page_with_its_cursor(client: FlaskClient,
                                                        container: Container,
                                                        api_key: Any) -> None:
    town = seed_town(container)
    worker = api_key("case_worker")
    for path, listed in LISTS:
        url = path.format(program=town.program)
        everything = client.get(url, headers=worker).json[listed]
        assert len(everything) >= 2, url
        seen: list[str] = []
        cursor = None
        for _ in range(len(everything) + 2):
            page = client.get(f"{url}?limit=1" + (f"&cursor={cursor}" if cursor else ""),
                              headers=worker).json
            seen += [item["id"] for item in page[listed]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert sorted(seen) == sorted(item["id"] for item in everything), url
        assert len(seen) == len(set(seen)), url


@pytest.mark.parametrize("cursor", ["not-a-cursor", "e" * 513,
                                    "eyJ2IjoxLCJsIjoiYmF0Y2hlcyIsImsiOlsiYSJdfQ",
                                    "eyJ2IjoxLCJsIjoidmVyaWZpY2F0aW9ucyIsImsiOlsxXX0"])
def test_a_cursor_that_cannot_be_read_or_is_another_lists_is_a_422(
        client: FlaskClient, api_key: Any, cursor: str) -> None:
    response = client.get(f"/api/v1/batches?cursor={cursor}", headers=api_key("viewer"))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_cursor"
    assert "cursor" in response.json["error"]["message"]


@pytest.mark.parametrize(("listed", "key"), [
    ("verifications", ("2026-12-01T00:00:00+09:00", "a\x00b")),  # PostgreSQL refuses NUL
    ("verifications", ("2026-12-01T00:00:00+09:00", "a\ud800")),  # not UTF-8 at all
    ("verifications", ("2026-12-01T00:00:00", "a")),  # a timestamp without its zone
    ("certificate-requests", ("yesterday", "a")),
])
def test_a_cursor_of_the_right_list_with_a_key_no_query_can_take_is_a_422(
        client: FlaskClient, api_key: Any, listed: str, key: tuple[str, str]) -> None:
    name = listed.replace("-", "_")
    response = client.get(f"/api/v1/{listed}?cursor={cursor_of(name, key)}",
                          headers=api_key("administrator"))
    assert response.status_code == 422
    assert response.json["error"]["code"] == "invalid_cursor"


def test_a_banks_results_and_a_repayment_answer_their_typed_shapes(
        client: FlaskClient, container: Container, api_key: Any) -> None:
    town = seed_town(container)
    worker = api_key("case_worker")
    with running_simulator(container.config.line_channel_secret(),
                           container.config.line_access_token(), None) as line:
        container.config.line_api_base_url.from_value(line.base_url)  # the failure's notice
        results = client.post(f"/api/v1/batches/{town.exported_batch}/results?kind=returned",
                              data="record,reason\n1,口座なし\n".encode("cp932"),
                              headers=worker, content_type="application/octet-stream")
    assert results.status_code == 200, results.json
    assert results.json["failed"] == 1 and results.json["failures"][0]["reason"]
    _validate(client, "POST", "/batches/{batch_id}/results", results)
    again = client.post(f"/api/v1/applications/{town.failed_application}/repayment",
                        json={}, headers=worker)
    assert again.status_code == 201, again.json  # to the account on file, in the next batch
    assert again.json["status"] == "pending" and again.json["amount"] > 0
    _validate(client, "POST", "/applications/{application_id}/repayment", again)
