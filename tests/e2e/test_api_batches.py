"""Payment batches over the REST API, on a real database: two keys for two people."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask.testing import FlaskClient

from adapters.banks.zengin_reading import DataRecord, read_transfer_file
from domain.access import Permission, allows
from domain.staff import Role
from entrypoints.containers import Container
from tests.support.payments import approved_town, residents

pytestmark = pytest.mark.e2e


@pytest.fixture
def town(container: Container) -> None:
    with container.uow() as uow:
        residents(uow, 3)
        uow.commit()
    with container.uow() as uow:
        approved_town(uow, households=3)
        uow.commit()


def test_a_batch_is_made_by_one_key_approved_by_another_and_downloaded_as_a_zengin_file(
    client: FlaskClient, api_key: Any, town: None, container: Container,
) -> None:
    maker, checker = api_key("approver"), api_key("approver")

    created = client.post("/api/v1/batches", json={"program_id": "p1"}, headers=maker)
    assert created.status_code == 201, created.json
    batch_id = created.json["id"]
    assert (created.json["count"], created.json["total"], created.json["state"]) == (
        3, 210_000, "draft")

    same = client.post(f"/api/v1/batches/{batch_id}/approval", headers=maker)
    assert same.status_code == 409
    assert "作成した職員" in same.json["error"]["message"]
    too_early = client.post(f"/api/v1/batches/{batch_id}/transfer-file", headers=maker)
    assert too_early.status_code == 409

    approved = client.post(f"/api/v1/batches/{batch_id}/approval", headers=checker)
    assert approved.json["state"] == "approved"

    first = client.post(f"/api/v1/batches/{batch_id}/transfer-file", headers=maker)
    again = client.post(f"/api/v1/batches/{batch_id}/transfer-file", headers=checker)
    assert first.status_code == 200 and first.data == again.data
    amounts = [r.amount for r in read_transfer_file(io.BytesIO(first.data))
               if isinstance(r, DataRecord)]
    assert amounts == [70_000, 70_000, 70_000]

    results = client.post(f"/api/v1/batches/{batch_id}/results?kind=returned&settle_rest=1",
                          data="record,reason\n2,口座なし\n".encode("cp932"), headers=maker)
    assert results.status_code == 200, results.json
    assert (results.json["settled"], results.json["failed"], results.json["notified"]) == (
        2, 1, 1)
    assert results.json["batch"]["state"] == "partly_failed"

    read = client.get(f"/api/v1/batches/{batch_id}", headers=api_key("viewer")).json
    assert [e["action"] for e in read["audit"]] == [  # the import, then what followed from it
        "created", "approved", "exported", "re_exported", "results_imported", "failed",
        "partly_failed"]
    ledger = client.get("/api/v1/programs/p1/ledger", headers=api_key("viewer")).json
    assert (ledger["paid"], ledger["failed"], ledger["pending"], ledger["balanced"]) == (
        140_000, 70_000, 0, True)

    [failure] = results.json["failures"]
    with container.uow() as uow:
        failed_application = uow.disbursements.get(failure["disbursement_id"]).application_id
    corrected = {"bank_code": "0005", "branch_code": "001", "number": "1234",
                 "holder": "ヤマダ ハナコ"}
    path = f"/api/v1/applications/{failed_application}/repayment"
    kept = client.post(path, json={"account": corrected}, headers=maker)
    assert kept.status_code == 202, kept.json  # a typed account: another key must check it
    unchecked = client.post(path, json={}, headers=maker)
    assert unchecked.status_code == 409
    same = client.post(f"/api/v1/applications/{failed_application}/account-check",
                       headers=maker)
    assert same.status_code == 409
    checked = client.post(f"/api/v1/applications/{failed_application}/account-check",
                          headers=checker)
    assert checked.status_code == 200, checked.json
    repaid = client.post(path, json={}, headers=maker)
    assert repaid.status_code == 201, repaid.json
    twice = client.post(path, json={}, headers=maker)
    assert twice.status_code == 409
    second = client.post("/api/v1/batches", json={"program_id": "p1"}, headers=maker).json
    assert (second["count"], second["total"], second["number"]) == (1, 70_000, 2)


def test_an_unknown_record_in_the_results_changes_nothing(
    client: FlaskClient, api_key: Any, town: None,
) -> None:
    maker, checker = api_key("approver"), api_key("approver")
    batch_id = client.post("/api/v1/batches", json={"program_id": "p1"},
                           headers=maker).json["id"]
    client.post(f"/api/v1/batches/{batch_id}/approval", headers=checker)
    client.post(f"/api/v1/batches/{batch_id}/transfer-file", headers=maker)

    refused = client.post(f"/api/v1/batches/{batch_id}/results?kind=csv",
                          data=b"record,status,reason\n1,ok,\n9,ng,x\n", headers=maker)

    assert refused.status_code == 422
    assert "レコード番号 9" in refused.json["error"]["message"]
    assert client.get(f"/api/v1/batches/{batch_id}", headers=maker).json["state"] == "exported"


ROUTES = [
    ("get", "/api/v1/batches", Permission.VIEW_PROGRAMS),
    ("post", "/api/v1/batches", Permission.HANDLE_APPLICATIONS),
    ("get", "/api/v1/batches/unknown", Permission.VIEW_PROGRAMS),
    ("post", "/api/v1/batches/unknown/approval", Permission.APPROVE_BATCHES),
    ("post", "/api/v1/batches/unknown/cancellation", Permission.HANDLE_APPLICATIONS),
    ("post", "/api/v1/batches/unknown/transfer-file", Permission.HANDLE_APPLICATIONS),
    ("post", "/api/v1/batches/unknown/results", Permission.HANDLE_APPLICATIONS),
    ("get", "/api/v1/programs/unknown/ledger", Permission.VIEW_PROGRAMS),
    ("post", "/api/v1/applications/unknown/repayment", Permission.HANDLE_APPLICATIONS),
]


@pytest.mark.parametrize(("method", "path", "permission"), ROUTES)
@pytest.mark.parametrize("role", list(Role))
def test_each_batch_route_admits_exactly_the_roles_holding_its_permission(
    client: FlaskClient, api_key: Any, method: str, path: str, permission: Permission,
    role: Role,
) -> None:
    response = getattr(client, method)(path, headers=api_key(role.value), json={})
    if allows(role, permission):
        assert response.status_code not in (401, 403)
    else:
        assert response.status_code == 403


def test_a_zengin_result_file_in_utf8_is_refused_with_a_message_and_changes_nothing(
    client: FlaskClient, api_key: Any, town: None,
) -> None:
    maker, checker = api_key("approver"), api_key("approver")
    batch_id = client.post("/api/v1/batches", json={"program_id": "p1"},
                           headers=maker).json["id"]
    client.post(f"/api/v1/batches/{batch_id}/approval", headers=checker)
    exported = client.post(f"/api/v1/batches/{batch_id}/transfer-file", headers=maker).data
    in_utf8 = exported.decode("cp932").encode("utf-8")  # as an editor might have saved it

    refused = client.post(f"/api/v1/batches/{batch_id}/results?kind=zengin", data=in_utf8,
                          headers=maker)

    assert refused.status_code == 422, refused.data
    assert "CP932（Shift_JIS）" in refused.json["error"]["message"]
    assert client.get(f"/api/v1/batches/{batch_id}", headers=maker).json["state"] == "exported"
