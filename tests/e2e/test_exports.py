"""The applications export over HTTP: buttons on the program page for those who may export, the
same streamed files from the staff pages and the API, refused to a viewer."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from domain.benefits import PayoutMethod
from domain.staff import Role
from entrypoints.containers import Container
from tests import builders
from tests.e2e.staff_support import make_staff, sign_in

pytestmark = pytest.mark.e2e

PROGRAM = "/staff/benefits/programs/p1"


@pytest.fixture
def program(container: Container) -> str:
    program = builders.program()
    with container.uow() as uow:
        uow.programs.add(program)
        uow.residents.add(builders.resident(name="+SUM(1,2) 太郎"))
        uow.households.add(builders.household())
        uow.commit()
    with container.uow() as uow:
        application = builders.application(of_program=program)
        application.confirm(program=program, at=builders.OPENS,
                            payout_method=PayoutMethod.BANK_TRANSFER,
                            payee_account=builders.account())
        uow.applications.add(application)
        uow.commit()
    return program.id


def test_the_program_page_offers_the_exports_to_those_who_may_export(
        client: FlaskClient, container: Container, program: str) -> None:
    make_staff(container, "worker", Role.CASE_WORKER)
    make_staff(container, "viewer", Role.VIEWER)
    sign_in(client, "worker")
    page = client.get(PROGRAM).get_data(as_text=True)
    assert f'href="{PROGRAM}/applications.csv"' in page
    assert f'href="{PROGRAM}/applications.xlsx"' in page

    client.post("/staff/logout")
    sign_in(client, "viewer")
    assert "applications.csv" not in client.get(PROGRAM).get_data(as_text=True)
    assert client.get(f"{PROGRAM}/applications.csv").status_code == 403


def test_the_staff_csv_is_cp932_masked_for_a_case_worker_and_neutralised(
        client: FlaskClient, container: Container, program: str) -> None:
    make_staff(container, "worker", Role.CASE_WORKER)
    sign_in(client, "worker")

    response = client.get(f"{PROGRAM}/applications.csv")

    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Type"] == "text/csv; charset=shift_jis"
    assert response.headers["Cache-Control"] == "no-store"
    row = response.get_data().decode("cp932").split("\r\n")[1]
    assert row.startswith('"H0001","\'+SUM(1,2) 太郎"') and row.endswith('"＊＊＊＊567"')


def test_the_api_gives_the_workbook_to_an_approver_in_full_and_refuses_a_viewer(
        client: FlaskClient, api_key, program: str) -> None:  # type: ignore[no-untyped-def]
    path = "/api/v1/programs/p1/applications.xlsx"
    assert client.get(path, headers=api_key("viewer")).status_code == 403
    assert client.get("/api/v1/programs/nope/applications.csv",
                      headers=api_key("case_worker")).status_code == 404

    response = client.get(path, headers=api_key("approver"))

    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Content-Disposition"] == "attachment; filename=applications-p1.xlsx"
    rows = list(load_workbook(io.BytesIO(response.get_data())).active.iter_rows(values_only=True))
    assert rows[1][0] == "H0001" and rows[1][13] == "1234567"
