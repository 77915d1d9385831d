"""The inbox's operations end to end (ADR 0047): a new case's alert mail reaches the department's
address through the outbox and the e-mail channel (the simulator's mail catcher), and the
navigation's badge counts it; canned replies go into a case's reply form without a script; the
cases export as CSV (formulas neutralised) and Excel, audited; the dashboard counts the cases,
their 「滞留」 and the median times; `madoguchi cases erase-expired` counts, then erases."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from openpyxl import load_workbook

from adapters.line.simulator.mail_catcher import CaughtMail, MailCatcher
from application.access.actor import Actor
from application.cases.exporting_cases import CASE_COLUMNS
from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    save_department,
    set_staff_departments,
)
from application.ports.audit import AuditQuery
from domain.cases import CaseEntry, CaseEntryKind, InboxCase
from domain.channels import ChannelIdentity
from domain.staff import Role
from domain.values import JST
from entrypoints.cli import main
from entrypoints.cli.context import CliContext
from entrypoints.containers import Container
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

OPERATOR = Actor.operator("test")
ROADS = "建設課（道路・公園）"
ALERTS = "doro@town.example.jp"


def _department(container: Container, name: str, *, alert: str = "",
                members: tuple[tuple[str, Role], ...] = ()) -> str:
    made = save_department(SaveDepartment(name=name, alert_email=alert, actor=OPERATOR),
                           uow=container.uow(), ids=container.ids(), clock=container.clock())
    for login, role in members:
        set_staff_departments(SetStaffDepartments(
            staff_id=make_staff(container, login, role), department_ids=[made.id],
            actor=OPERATOR), uow=container.uow(), clock=container.clock())
    return made.id


@pytest.fixture
def mail(stack: Stack) -> Iterator[MailCatcher]:
    container = stack.container
    with MailCatcher() as catcher:
        container.config.smtp_host.from_value(catcher.host)
        container.config.smtp_port.from_value(catcher.port)
        container.config.smtp_starttls.from_value(False)
        container.config.mail_from.from_value("noreply@town.example.jp")
        yield catcher
        container.email_messenger.shutdown()


def _arrived(catcher: MailCatcher, address: str) -> list[CaughtMail]:
    for _ in range(50):
        if catcher.inbox(address):
            break
        time.sleep(0.1)
    return catcher.inbox(address)


def test_a_new_case_mails_its_department_and_shows_in_the_badge(
        stack: Stack, mail: MailCatcher, client: FlaskClient) -> None:
    container = stack.container
    _department(container, "総務課")
    _department(container, ROADS, alert=ALERTS, members=(("roads", Role.CASE_WORKER),))
    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "お問い合わせ")
    stack.sim.send_text(user, "山田 花子")
    stack.tap(user, "道路・公園")
    stack.sim.send_text(user, "本町2丁目の街灯が消えています。")
    stack.tap(user, "いいえ")
    stack.tap(user, "はい")
    number = re.search(r"受付番号 (\d{4}-\d{6})", stack.said(user)).group(1)  # type: ignore[union-attr]

    [alert] = _arrived(mail, ALERTS)
    text = alert.part("plain")
    with container.uow() as uow:
        case = uow.cases.get_by_number(number)
    assert number in text and ROADS in text and "お問い合わせ" in text
    assert f"{container.config.public_url()}/staff/cases/{case.id}" in text
    assert "山田" not in text and "街灯" not in text and "お問い合わせ（" not in text
    assert number in alert.message["Subject"]

    sign_in(client, "roads")
    page = client.get("/staff/cases/").get_data(as_text=True)
    assert re.search(r"data-nav-badge>1<", page), "the badge counts the new case"


def _seed(container: Container, department_id: str) -> None:
    """Three cases: k1 answered after 1 hour and closed after 2, k2 answered after 4 hours, k3
    new and untouched for 20 days; k1's title begins with a formula."""
    now = container.clock().now()
    with container.uow() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i-figures", channel="line", address="U-figures", at=now))
        uow.commit()
    with container.uow() as uow:
        for id_, title, opened in (
                ("k1", '=HYPERLINK("http://evil.example")', now - dt.timedelta(hours=3)),
                ("k2", "お問い合わせ（道路・公園）", now - dt.timedelta(hours=10)),
                ("k3", "お問い合わせ（道路・公園）", now - dt.timedelta(days=20))):
            case = InboxCase.opened(
                id=id_, number=f"2026-90000{id_[1]}", department_id=department_id,
                procedure_id="contact", title=title, identity_id="i-figures",
                answers=[("お名前", "山田 花子")], photos=[], at=opened)
            case.pull_events()  # no alert: this department has no address anyway
            uow.cases.add(case)
        uow.commit()
    with container.uow() as uow:
        roads = uow.staff.get_by_login_id("roads")
        for case_id, after in (("k1", 1), ("k2", 4)):
            case = uow.cases.get(case_id)
            case.assign(roads.id, case.created_at)
            at = case.created_at + dt.timedelta(hours=after)
            uow.case_entries.add(CaseEntry(id=f"r{case_id}", case_id=case_id,
                                           kind=CaseEntryKind.REPLY, text="お返事しました",
                                           at=at, staff_id="s"))
            case.answered(at, entry_id=f"r{case_id}")
            case.pull_events()  # figures only: nobody to tell
        closing = uow.cases.get("k1")
        closing.close(closing.created_at + dt.timedelta(hours=2))
        uow.commit()


@pytest.fixture
def town(container: Container) -> str:
    department = _department(container, ROADS, members=(("roads", Role.CASE_WORKER),))
    _department(container, "環境課", members=(("kankyo", Role.CASE_WORKER),))
    make_staff(container, "viewer", Role.VIEWER)
    _seed(container, department)
    return department


def test_the_dashboard_counts_cases_their_stall_and_median_times(
        town: str, client: FlaskClient) -> None:
    sign_in(client, "viewer")
    page = client.get("/staff/").get_data(as_text=True)
    figures = page[page.index("data-case-figures"):]
    assert re.search(r"data-untouched>1<", figures)  # k3: new for 20 days
    assert re.search(r"data-median-first-answer>2\.5<", figures)  # median of 1 h and 4 h
    assert re.search(r"data-median-close>2\.0<", figures)  # k1 only
    row = re.search(rf"<th scope=\"row\">{re.escape(ROADS)}</th>(.*?)</tr>", figures).group(1)  # type: ignore[union-attr]
    assert re.findall(r">(\d+)<", row) == ["1", "0", "1", "1", "3"]  # 新規 対応中 回答済み 完了 計


def test_the_inbox_flags_the_untouched_case(town: str, client: FlaskClient) -> None:
    sign_in(client, "roads")
    page = client.get("/staff/cases/").get_data(as_text=True)
    flagged = [row for row in page.split("<tr>") if "data-untouched" in row]
    assert len(flagged) == 1 and "2026-900003" in flagged[0]


def test_cases_export_as_csv_with_formulas_neutralised_and_audited(
        town: str, container: Container, client: FlaskClient) -> None:
    sign_in(client, "roads")
    today = container.clock().now().astimezone(JST).date()
    since = (today - dt.timedelta(days=30)).isoformat()
    answer = client.get(f"/staff/cases/export?format=csv&since={since}&until={today}"
                        f"&department={town}")

    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(answer.data.decode("cp932"))))
    assert rows[0] == list(CASE_COLUMNS) and len(rows) == 4
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number["2026-900001"][2] == "'=HYPERLINK(\"http://evil.example\")"
    assert by_number["2026-900001"][3] == "完了" and by_number["2026-900003"][3] == "新規"
    assert by_number["2026-900001"][4] == by_number["2026-900002"][4] != ""  # the assignee
    assert by_number["2026-900002"][6] and not by_number["2026-900003"][6]  # first answered
    assert all("山田" not in cell for row in rows for cell in row)  # no resident's answers
    with container.uow() as uow:
        [export] = uow.audit.search(AuditQuery(action="case.export"))
    assert export.detail["format"] == "csv" and export.detail["department"] == town


def test_cases_export_as_an_excel_workbook_that_opens(town: str, container: Container,
                                                      client: FlaskClient) -> None:
    sign_in(client, "roads")
    answer = client.get("/staff/cases/export?format=xlsx")
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.data)).active
    values = list(sheet.values)
    assert values[0] == CASE_COLUMNS and len(values) >= 3  # this month's, at least k1 and k2
    titles = [row[2] for row in values[1:]]
    assert all(not str(title).startswith("=") for title in titles)


def test_another_departments_export_is_refused_and_not_recorded(
        town: str, container: Container, client: FlaskClient) -> None:
    sign_in(client, "kankyo")
    answer = client.get(f"/staff/cases/export?format=csv&department={town}")
    assert answer.status_code == 302
    with container.uow() as uow:
        assert not uow.audit.search(AuditQuery(action="case.export"))


def test_a_canned_reply_fills_the_reply_form_without_a_script(
        town: str, client: FlaskClient) -> None:
    sign_in(client, "roads")
    headers = {"X-CSRF-Token": token(client)}
    added = client.post("/staff/canned-replies", headers=headers, data={
        "department_id": town, "title": "修理の予定",
        "text": "ご連絡ありがとうございます。現地を確認して修理します。"})
    assert added.status_code == 302
    page = client.get("/staff/canned-replies").get_data(as_text=True)
    reply_id = re.search(r"/staff/canned-replies/([^/]+)/delete", page).group(1)  # type: ignore[union-attr]

    case_page = client.get("/staff/cases/k2").get_data(as_text=True)
    assert "修理の予定" in case_page and "data-canned" in case_page
    filled = client.get(f"/staff/cases/k2?canned={reply_id}").get_data(as_text=True)
    textarea = re.search(r'<textarea id="f-reply"[^>]*>([^<]*)</textarea>', filled).group(1)  # type: ignore[union-attr]
    assert textarea == "ご連絡ありがとうございます。現地を確認して修理します。"

    client.post("/staff/logout", headers=headers)
    sign_in(client, "kankyo")
    refused = client.post(f"/staff/canned-replies/{reply_id}/delete",
                          headers={"X-CSRF-Token": token(client)})
    assert refused.status_code == 403


def test_the_operator_counts_then_erases_cases_past_retention(
        town: str, container: Container, client: FlaskClient) -> None:
    with container.uow() as uow:  # k1 closed 400 days ago
        case = uow.cases.get("k1")
        case.closed_at = container.clock().now() - dt.timedelta(days=400)
        uow.commit()
    runner = CliRunner()
    obj = CliContext()
    obj._container = container  # the test's composition root, as the command would build it

    counted = runner.invoke(main, ["cases", "erase-expired", "--dry-run"], obj=obj)
    assert counted.exit_code == 0, counted.output
    assert "1 case(s)" in counted.output and "dry run" in counted.output
    erased = runner.invoke(main, ["cases", "erase-expired"], obj=obj)
    assert "1 case(s)" in erased.output and "erased" in erased.output
    with container.uow() as uow:
        case = uow.cases.get("k1")
        assert case.answers == [] and case.erased_at is not None and case.number == "2026-900001"
        assert [r.target_id for r in uow.audit.search(AuditQuery(action="case.erase"))] == ["k1"]
    sign_in(client, "roads")
    page = client.get("/staff/cases/k1").get_data(as_text=True)
    assert "2026-900001" in page and "山田" not in page and "お返事しました" not in page
    assert "保存期間を過ぎたため消去しました" in page
    reopened = client.post("/staff/cases/k1/reopen", headers={"X-CSRF-Token": token(client)})
    assert reopened.status_code == 302
    with container.uow() as uow:
        assert uow.cases.get("k1").status.value == "closed"  # an erased case stays closed
