"""An API key acts for one party, a staff member or an organisation, and the two-person rule
is the party's: one integrator's two keys cannot make and approve a batch, nor can a staff
member with their key and their session (ADR 0033). Over HTTP, on a real database."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from application.ports.audit import AuditQuery
from domain.staff import Role
from entrypoints.cli import main
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.support.isolation import is_app_variable
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


def _batch(client: FlaskClient, headers: dict[str, str]) -> str:
    created = client.post("/api/v1/batches", json={"program_id": "p1"}, headers=headers)
    assert created.status_code == 201, created.json
    return created.json["id"]


def _audit(container: Container, action: str) -> list[Any]:
    with container.uow() as uow:
        return list(uow.audit.search(AuditQuery(action=action, limit=10)))


def test_two_keys_of_one_organisation_cannot_make_and_approve_a_batch(
    client: FlaskClient, api_key: Any, town: None, container: Container,
) -> None:
    maker = api_key("approver", organisation="ベンダーＡ")
    checker = api_key("approver", organisation=" ベンダーA ")  # the same name, typed again
    batch_id = _batch(client, maker)

    refused = client.post(f"/api/v1/batches/{batch_id}/approval", headers=checker)

    assert refused.status_code == 409
    assert refused.json["error"]["code"] == "same_person"
    assert "作成した職員は承認できません" in refused.json["error"]["message"]
    assert "組織のAPIキー" in refused.json["error"]["message"]
    shown = client.get(f"/api/v1/batches/{batch_id}", headers=checker).json
    assert (shown["state"], shown["approved_by"]) == ("draft", None)
    [made] = _audit(container, "payment_batch.created")
    assert made.actor_id.startswith("api:") and made.detail["party"] == "org:ベンダーa"


def test_keys_of_two_organisations_make_and_approve_a_batch(
    client: FlaskClient, api_key: Any, town: None,
) -> None:
    maker = api_key("approver", organisation="ベンダーA")
    checker = api_key("approver", organisation="ベンダーB")
    batch_id = _batch(client, maker)

    approved = client.post(f"/api/v1/batches/{batch_id}/approval", headers=checker)

    assert approved.status_code == 200, approved.json
    assert approved.json["state"] == "approved"
    assert approved.json["created_by"] != approved.json["approved_by"]


def test_a_staff_member_s_key_and_their_own_session_are_one_person(
    client: FlaskClient, api_key: Any, town: None, container: Container,
) -> None:
    kato = make_staff(container, "kato", Role.APPROVER, name="加藤 一郎")
    make_staff(container, "sato", Role.APPROVER, name="佐藤 花子")
    kato_key = api_key("approver", staff="kato")
    by_key = _batch(client, kato_key)
    assert sign_in(client, "kato").status_code in (302, 303)

    page = client.get(f"/staff/batches/{by_key}").get_data(as_text=True)
    refused = client.post(f"/staff/batches/{by_key}/approval",
                          data={"csrf_token": token(client)}, follow_redirects=True)

    assert "作成した職員は承認できません" in page and "data-approve" not in page
    assert refused.status_code == 200
    assert "作成した職員は承認できません" in refused.get_data(as_text=True)
    assert client.get(f"/api/v1/batches/{by_key}", headers=kato_key).json["state"] == "draft"

    # the other way round: made on the staff pages, approved with the member's own key
    cancelled = client.post(f"/staff/batches/{by_key}/cancellation",
                            data={"csrf_token": token(client), "reason": "作り直し"})
    made = client.post("/staff/batches/", data={"program_id": "p1", "method": "bank_transfer",
                                                "csrf_token": token(client)})
    assert cancelled.status_code in (302, 303) and made.status_code in (302, 303)
    by_session = made.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    again = client.post(f"/api/v1/batches/{by_session}/approval", headers=kato_key)
    assert again.status_code == 409 and again.json["error"]["code"] == "same_person"

    # another staff member's key approves it
    sato_key = api_key("approver", staff="sato")
    assert client.post(f"/api/v1/batches/{by_session}/approval",
                       headers=sato_key).json["state"] == "approved"
    [by_key_record, by_session_record] = sorted(
        _audit(container, "payment_batch.created"), key=lambda r: r.seq)
    assert by_key_record.detail["party"] == kato and "party" not in by_session_record.detail

    # the audit log says whose key it was, by name
    make_staff(container, "admin", Role.ADMINISTRATOR)
    with client.session_transaction() as session:
        session.clear()
    assert sign_in(client, "admin").status_code in (302, 303)
    log = client.get("/staff/audit?action=payment_batch.created").get_data(as_text=True)
    [key_row] = [row for row in log.split("<tr data-seq=")[1:] if "APIキー「" in row]
    assert "責任者（職員・組織）" in key_row and "加藤 一郎" in key_row


def test_a_deactivated_staff_member_s_key_stops_working(
    client: FlaskClient, api_key: Any, container: Container,
) -> None:
    make_staff(container, "admin", Role.ADMINISTRATOR)
    kato = make_staff(container, "kato", Role.VIEWER)
    key = api_key("viewer", staff="kato")
    assert client.get("/api/v1/programs", headers=key).status_code == 200

    assert sign_in(client, "admin").status_code in (302, 303)
    deactivated = client.post(f"/staff/members/{kato}/deactivate",
                              data={"csrf_token": token(client)})
    assert deactivated.status_code in (302, 303)
    with container.uow() as uow:
        assert uow.staff.get(kato).active is False

    assert client.get("/api/v1/programs", headers=key).status_code == 401


def test_the_command_line_makes_a_key_for_exactly_one_party(tmp_path: Path) -> None:
    env: dict[str, str | None] = {name: None for name in os.environ if is_app_variable(name)}
    env["MADOGUCHI_DATA_DIR"] = str(tmp_path / "var")
    runner = CliRunner()

    def run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(main, list(args), env=env)

    assert run("db", "upgrade").exit_code == 0
    neither = run("apikey", "create", "--name", "連携", "--role", "viewer")
    both = run("apikey", "create", "--name", "連携", "--role", "viewer", "--staff", "kato",
               "--organisation", "ベンダーA")
    unknown = run("apikey", "create", "--name", "連携", "--role", "viewer", "--staff", "kato")
    made = run("apikey", "create", "--name", "連携", "--role", "viewer",
               "--organisation", "ベンダーA")

    assert neither.exit_code == both.exit_code == 2
    assert "--staff LOGIN_ID か --organisation NAME" in neither.output
    assert unknown.exit_code == 1 and "ログインID「kato」の有効な職員" in unknown.output
    assert made.exit_code == 0 and made.output.startswith("mdg_")
    assert "organisation 'ベンダーA'" in made.output

    key_id = made.output.split("key ", 1)[1].split()[0]
    listed = run("apikey", "list")
    revoked = run("apikey", "revoke", key_id)
    after = run("apikey", "list")
    assert listed.exit_code == revoked.exit_code == 0, revoked.output
    [row] = listed.output.splitlines()[1:]
    assert row.split("\t")[:4] == [key_id, "連携", "viewer", "organisation:ベンダーA"]
    assert row.split("\t")[5] == "" and after.output.splitlines()[1].split("\t")[5] != ""
