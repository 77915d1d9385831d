"""配信対象 and お知らせの分野 in the staff UI: a segment saved from the form without
JavaScript (its JSON), the count as staff edit, the link to send a notice, and the interests
staff keep (SEND_NOTICES; a case worker is refused)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from flask.testing import FlaskClient

from domain.channels import ChannelIdentity
from domain.interests import InterestTopic
from domain.staff import Role
from entrypoints.containers import Container
from tests import builders as b
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e


@pytest.fixture
def town(container: Container) -> None:
    now = container.clock().now()
    with container.uow() as uow:
        for n, born in ((1, dt.date(1950, 1, 1)), (2, dt.date(1990, 1, 1))):
            uow.residents.add(b.resident(id=f"r{n}", resident_number=f"00{n}",
                                         household_number=f"H{n}", address=f"本町{n}丁目1番",
                                         born=born))
        uow.commit()
    with container.uow() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i9", channel="line",
                                                              address="U9", at=now))
        uow.commit()
    from application.residents.profiles import refresh_profiles
    refresh_profiles(actor=b.actor(), uow_factory=container.uow, clock=container.clock())
    make_staff(container, "notices", Role.APPROVER)
    make_staff(container, "worker", Role.CASE_WORKER)


def test_staff_save_a_segment_without_javascript_and_see_whom_it_reaches(
        town: None, client: FlaskClient) -> None:
    sign_in(client, "notices")
    editor = client.get("/staff/segments/new").get_data(as_text=True)
    assert "本町1丁目" in editor and "segment_editor.js" in editor
    headers = {"X-CSRF-Token": token(client)}

    counted = client.post("/staff/segments/count", headers=headers,
                          json={"condition": {"area": ["本町1丁目"]}}).get_json()
    assert counted == {"count": 1, "words": "住所が本町1丁目", "none": ""}
    nobody = client.post("/staff/segments/count", headers=headers,
                         json={"condition": {"not": {"verified": False}}}).get_json()
    assert nobody["count"] == 0 and nobody["none"] == "条件に合う人がいません"
    wrong = client.post("/staff/segments/count", headers=headers,
                        json={"condition": {"age": {"min": 65}}})
    assert wrong.status_code == 422 and "基準月" in wrong.get_json()["problem"]

    condition = {"any": [{"age": {"min": 65, "month": "2026-12"}}, {"channel": "line"}]}
    saved = client.post("/staff/segments/new", data={
        "csrf_token": token(client), "name": "高齢者とLINE",
        "condition": json.dumps(condition)})
    assert saved.status_code == 302
    page = client.get(saved.location).get_data(as_text=True)
    segment_id = saved.location.rstrip("/").rsplit("/", 1)[1]
    assert "今の対象: 2人" in page  # r1 (65+) and i9 (LINE, the registry does not know)
    assert f'href="/staff/notices/new?segment={segment_id}"' in page
    assert "この対象にお知らせを送る" in page
    notice = client.get(f"/staff/notices/new?segment={segment_id}").get_data(as_text=True)
    assert "高齢者とLINE" in notice and "2026-12" in notice  # its name and a copy of its condition
    gone = client.get("/staff/notices/new?segment=nonexistent", follow_redirects=True)
    assert gone.status_code == 200 and "配信対象" in gone.get_data(as_text=True)
    assert "高齢者とLINE" in client.get("/staff/segments").get_data(as_text=True)

    refused = client.post("/staff/segments/new", data={
        "csrf_token": token(client), "name": "壊れた", "condition": "{not json"})
    assert refused.status_code == 422 and "JSON" in refused.get_data(as_text=True)


def test_staff_keep_the_interests_residents_choose_from(town: None,
                                                        client: FlaskClient) -> None:
    sign_in(client, "notices")
    added = client.post("/staff/interests", data={
        "csrf_token": token(client), "key": "bousai", "label": "防災", "description": "避難情報"})
    assert added.status_code == 302
    taken = client.post("/staff/interests", data={
        "csrf_token": token(client), "key": "bousai", "label": "防災2"})
    assert taken.status_code == 422 and "同じキー" in taken.get_data(as_text=True)
    client.post("/staff/interests/bousai/change", data={"csrf_token": token(client),
                                                         "change": "retire"})
    page = client.get("/staff/interests").get_data(as_text=True)
    assert re.search(r"防災.*終了", page, re.S) and "再開する" in page


def test_a_case_worker_may_not_choose_whom_notices_go_to(town: None,
                                                         client: FlaskClient) -> None:
    sign_in(client, "worker")
    assert client.get("/staff/segments").status_code == 403
    assert client.get("/staff/interests").status_code == 403


def test_a_notice_names_an_interest_as_staff_named_it(town: None, container: Container,
                                                       client: FlaskClient) -> None:
    with container.uow() as uow:
        uow.interests.add(InterestTopic(key="bousai", label="防災", description="", position=1,
                                        active=True, created_at=container.clock().now()))
        uow.commit()
    sign_in(client, "notices")

    preview = client.post("/staff/notices/preview", data={
        "csrf_token": token(client), "condition": json.dumps({"interest": "bousai"}),
        "title": "避難訓練", "text": "日曜に訓練をします。"}).get_json()

    assert "「防災」" in preview["describe"] and "bousai" not in preview["describe"]


def test_a_notice_scheduled_in_the_past_is_refused_and_leaves_no_draft(
        town: None, container: Container, client: FlaskClient) -> None:
    sign_in(client, "notices")
    past = container.clock().now().astimezone(dt.timezone(dt.timedelta(hours=9))) \
        - dt.timedelta(hours=1)

    refused = client.post("/staff/notices/", data={
        "csrf_token": token(client), "condition": json.dumps({"channel": "line"}),
        "segment_name": "LINEの友だち", "title": "避難訓練", "text": "日曜に訓練をします。",
        "when": past.strftime("%Y-%m-%dT%H:%M"), "action": "schedule"}, follow_redirects=True)

    assert "配信日時が過ぎています" in refused.get_data(as_text=True)
    with container.uow() as uow:
        assert list(uow.queries.notices.notices()) == []
