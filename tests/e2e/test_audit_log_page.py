"""The audit log page as an administrator reads it: actions in Japanese and every one in the
filter, who acted by name, details as labelled fields, and pages of 50 linked by keyset."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from application.access.actor import Actor
from application.audit.recording import record
from domain.staff import Role
from entrypoints.containers import Container
from entrypoints.web.staff.audit_actions import ACTIONS
from tests.e2e.staff_support import make_staff, sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin(container: Container, client: FlaskClient) -> FlaskClient:
    make_staff(container, "boss", Role.ADMINISTRATOR, name="管理 一郎")
    sign_in(client, "boss")
    return client


def _record(container: Container, actor: Actor, action: str, times: int = 1,
            **detail: str | int | bool) -> None:
    with container.uow() as uow:
        for _ in range(times):
            record(uow, actor, action, "program", "p1", at=container.clock().now(), **detail)
        uow.commit()


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr data-seq="(\d+)"', html)


def test_the_filter_offers_every_action_of_the_catalogue_in_japanese(admin: FlaskClient) -> None:
    page = admin.get("/staff/audit").get_data(as_text=True)

    offered = re.findall(r'<option value="([a-z_]+\.[a-z_.]+)"', page)
    assert sorted(offered) == sorted(ACTIONS)
    assert '<option value="application.export">申請一覧の出力</option>' in page


def test_a_record_shows_who_by_name_the_action_in_japanese_and_its_details_as_fields(
        admin: FlaskClient, container: Container) -> None:
    worker_id = make_staff(container, "worker", Role.CASE_WORKER, name="窓口 花子")
    worker = Actor(id=worker_id, role=Role.CASE_WORKER, label="worker")
    _record(container, worker, "application.decide", decision="approve", count=12, refused=0)
    _record(container, Actor(id="api:k1", role=Role.APPROVER, label="api:基幹系連携"),
            "application.export", format="xlsx", masked=False)

    page = admin.get("/staff/audit", query_string={"target_type": "program"}).get_data(
        as_text=True)

    decided = page[page.index('data-action="application.decide"') - 600:]
    assert "窓口 花子" in decided[:800] and worker_id not in decided[:800]
    assert ">申請の決定<" in decided
    assert "<dt>決定</dt><dd>支給決定</dd><dt>件数</dt><dd>12</dd>" in decided
    table = page[page.index("<tbody>"):]
    assert "decision=" not in table and "approve" not in table
    assert 'APIキー「<span translate="no">基幹系連携</span>」' in page
    assert "<dt>形式</dt><dd>Excel</dd><dt>口座番号の伏せ字</dt><dd>いいえ</dd>" in page
    assert '<a href="/staff/benefits/programs/p1">給付金</a>' in page


def test_the_log_comes_in_pages_of_fifty_linked_newer_and_older(
        admin: FlaskClient, container: Container) -> None:
    _record(container, Actor(id="system", role=Role.ADMINISTRATOR, label="system"),
            "program.status", times=120, status="open")
    query = {"action": "program.status"}

    first = admin.get("/staff/audit", query_string=query).get_data(as_text=True)
    older = re.search(r'href="([^"]*before=\d+[^"]*)" rel="next"', first)
    assert older and "action=program.status" in older.group(1)
    second = admin.get(older.group(1).replace("&amp;", "&")).get_data(as_text=True)
    third_link = re.search(r'href="([^"]*before=\d+[^"]*)" rel="next"', second)
    assert third_link
    third = admin.get(third_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    newer = re.search(r'href="([^"]*after=\d+[^"]*)" rel="prev"', third)
    assert newer
    back = admin.get(newer.group(1).replace("&amp;", "&")).get_data(as_text=True)

    pages = [_rows(first), _rows(second), _rows(third)]
    assert [len(p) for p in pages] == [50, 50, 20]
    every = [int(seq) for p in pages for seq in p]
    assert every == sorted(every, reverse=True) and len(set(every)) == 120
    assert 'rel="next"' not in third and 'rel="prev"' not in first
    assert _rows(back) == pages[1]
    assert "受付中" in first and "システム" in first


def test_a_record_about_nothing_in_particular_shows_no_target_in_either_language(
        admin: FlaskClient, container: Container) -> None:
    """An empty target kind (a backup) is not looked up in the catalogue: gettext("") is the
    catalogue's own header."""
    with container.uow() as uow:
        record(uow, Actor(id="cli:operator", role=Role.ADMINISTRATOR, label="cli:operator"),
               "backup.create", "", "", at=container.clock().now())
        uow.commit()
    admin.get("/staff/lang/en")

    page = admin.get("/staff/audit").get_data(as_text=True)

    assert "Project-Id-Version" not in page and "Content-Type: text/plain" not in page
