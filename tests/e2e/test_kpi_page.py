"""報告・KPI over HTTP: the page with its charts and tables, linked from the dashboard and the
navigation; the CSV and Excel of every figure (formulas neutralised) and the month's PDF, each
download audited; the cost inputs for administrators only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time
from openpyxl import load_workbook
from sqlalchemy import insert

from adapters.persistence.orm import metadata
from application.ports.audit import AuditQuery
from domain.staff import Role
from domain.values import JST
from entrypoints.containers import Container
from tests.e2e.staff_support import make_staff, sign_in, token
from tests.support import kpi_town as rows

pytestmark = pytest.mark.e2e

NOW = dt.datetime(2026, 12, 5, 10, 0, tzinfo=JST)


def _seed(container: Container) -> None:
    t = metadata.tables
    with container.engine().begin() as connection:
        connection.execute(insert(t["channel_identities"]), [
            rows.identity(1, created_at=dt.datetime(2026, 10, 3, tzinfo=JST)),
            rows.identity(2, created_at=dt.datetime(2026, 11, 3, tzinfo=JST))])
        connection.execute(insert(t["cases"]), [
            rows.case(1, identity_id="i000000001", procedure_id="=HYPERLINK(1)",
                      created_at=dt.datetime(2026, 11, 4, tzinfo=JST))])
        connection.execute(insert(t["survey_answers"]), [
            rows.survey_answer(1, answered_at=dt.datetime(2026, 11, 6, tzinfo=JST), score=4)])


def _actions(container: Container) -> list[dict[str, object]]:
    with container.uow() as uow:
        return [dict(r.detail) for r in uow.audit.search(AuditQuery(action="kpi.export"))]


@freeze_time(NOW)
def test_the_page_shows_the_months_figures_charts_and_note_to_a_viewer(
        client: FlaskClient, container: Container) -> None:
    _seed(container)
    make_staff(container, "viewer", Role.VIEWER)
    sign_in(client, "viewer")

    dashboard = client.get("/staff/").get_data(as_text=True)
    assert dashboard.count('href="/staff/kpi"') == 2  # the navigation and the dashboard
    page = client.get("/staff/kpi")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="2026-01"' in html and 'value="2026-12"' in html  # the last 12 Japan months
    assert html.count("<svg") >= 7 and 'data-series="friends"' in html
    assert "<td>26/11</td><td class=\"num\">2</td>" in html  # friends at November's end
    assert "4.00" in html and "数え方" in html and "紙の申請" in html
    assert "data-kpi-cost" not in html  # the cost form is for administrators
    refused = client.post("/staff/kpi/costs", data={"period": "2026", "csrf_token": token(client)})
    assert refused.status_code == 403


@freeze_time(NOW)
def test_a_bad_month_is_told_and_the_default_range_shown(
        client: FlaskClient, container: Container) -> None:
    make_staff(container, "viewer", Role.VIEWER)
    sign_in(client, "viewer")

    page = client.get("/staff/kpi?from=2026-13&to=x", follow_redirects=True)

    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "2026-11 の形で指定してください" in html


@freeze_time(NOW)
def test_csv_and_excel_hold_every_figure_with_formulas_neutralised_and_are_audited(
        client: FlaskClient, container: Container) -> None:
    _seed(container)
    make_staff(container, "viewer", Role.VIEWER)
    sign_in(client, "viewer")

    answer = client.get("/staff/kpi/export?format=csv&from=2026-10&to=2026-11")
    assert answer.status_code == 200
    table = list(csv.reader(io.StringIO(answer.get_data().decode("cp932"))))
    assert table[0][:3] == ["月", "LINE友だち数（月末）", "本人確認済み（月末・累計）"]
    assert "申請：=HYPERLINK(1)" in table[0]  # an unknown procedure id: its id, as text
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in table for cell in row)
    assert [row[0] for row in table[1:]] == ["2026-10", "2026-11"]
    assert [row[1] for row in table[1:]] == ["1", "2"]
    assert table[2][table[0].index("満足度の平均（5段階）")] == "4.00"
    assert table[1][table[0].index("満足度の平均（5段階）")] == "未計測"
    assert table[2][table[0].index("オンラインでできる手続き（現在）")] == "4"

    book = load_workbook(io.BytesIO(client.get(
        "/staff/kpi/export?format=xlsx&from=2026-10&to=2026-11").get_data()))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "月" and values[2][0] == "2026-11" and values[2][1] == 2
    assert all(not str(cell).startswith("=") for row in values for cell in row if cell)

    assert _actions(container) == [
        {"format": "xlsx", "first": "2026-10", "last": "2026-11"},
        {"format": "csv", "first": "2026-10", "last": "2026-11"}]


@freeze_time(NOW)
def test_the_monthly_pdf_is_a_pdf_of_that_month_and_is_audited(
        client: FlaskClient, container: Container) -> None:
    _seed(container)
    make_staff(container, "viewer", Role.VIEWER)
    sign_in(client, "viewer")

    answer = client.get("/staff/kpi/report.pdf?month=2026-11")

    body = answer.get_data()
    assert answer.status_code == 200 and answer.content_type == "application/pdf"
    assert body.startswith(b"%PDF") and b"Madoguchi KPI 2026-11" in body
    assert b"HeiseiKakuGo-W5" in body  # the Japanese font the title is set in
    assert _actions(container) == [{"format": "pdf", "first": "2026-11", "last": "2026-11"}]


@freeze_time(NOW)
def test_an_administrator_enters_a_cost_and_sees_the_cost_per_transaction(
        client: FlaskClient, container: Container) -> None:
    _seed(container)
    make_staff(container, "admin", Role.ADMINISTRATOR)
    sign_in(client, "admin")

    bad = client.post("/staff/kpi/costs", data={
        "period": "2026-11", "running_cost_yen": "abc", "staff_hours": "1",
        "hourly_cost_yen": "1", "csrf_token": token(client)}, follow_redirects=True)
    assert "0以上の整数で入力してください" in bad.get_data(as_text=True)
    done = client.post("/staff/kpi/costs", data={
        "period": "2026-11", "running_cost_yen": "50,000", "staff_hours": "4",
        "hourly_cost_yen": "2500", "csrf_token": token(client)}, follow_redirects=True)

    html = done.get_data(as_text=True)
    assert "2026-11の費用を保存しました" in html and "data-kpi-cost" in html
    assert "60,000" in html  # 50,000 + 4 × 2,500, for November's one case
