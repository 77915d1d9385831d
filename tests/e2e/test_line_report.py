"""通報 through the LINE simulator: a resident reports a broken road with LINE's location picker
and two photos; a point outside Japan is explained and asked again; the report lands in the
roads department's inbox, is answered in the chat, closed and counted."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from tests.e2e.conftest import Stack
from tests.e2e.staff_support import sign_in, token
from tests.e2e.test_town_inbox_story import _town

pytestmark = pytest.mark.e2e

JPEG = b"\xff\xd8\xff\xe0 a pothole"


def test_a_resident_reports_a_broken_road_with_a_location_and_two_photos(stack: Stack) -> None:
    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "道路・公園などの通報")
    assert "何を通報しますか" in stack.texts(user)[-1]
    stack.tap(user, "道路の損傷")

    picker = stack.last(user)["quickReply"]["items"][0]["action"]
    assert picker == {"type": "location", "label": "位置情報を送る"}
    stack.sim.send_location(user, latitude=48.8584, longitude=2.2945, address="Paris")
    assert "日本国内の場所" in " ".join(stack.texts(user)[-2:])  # asked again
    assert stack.sim.send_location(user, latitude=36.204824, longitude=138.252924,
                                   address="本町1丁目 役場前").status == 200
    assert "写真" in stack.texts(user)[-1]
    stack.sim.send_image(user, JPEG, "image/jpeg")
    assert "写真を1枚受け取りました" in stack.texts(user)[-1]
    stack.sim.send_image(user, JPEG + b" closer", "image/jpeg")
    stack.tap(user, "次へ")
    stack.sim.send_text(user, "歩道に深さ10cmほどの穴があります。")

    summary = " ".join(stack.texts(user)[-2:])
    assert "・場所: 本町1丁目 役場前" in summary and "・写真: 写真（2枚）" in summary
    stack.tap(user, "はい")

    assert "通報を受け付けました" in stack.said(user)
    with stack.container.uow() as uow:
        identity = uow.channel_identities.get_by_address("line", user)
        answers = uow.conversations.latest_for(identity.id).answers_on_path()
    assert answers["what"] == "road"
    assert answers["place"] == {"latitude": 36.204824, "longitude": 138.252924,
                                "address": "本町1丁目 役場前"}
    assert len(answers["photos"]) == 2 and all(ref.startswith("line:")
                                               for ref in answers["photos"])
    assert stack.sim.stats()["duplicate_deliveries"] == 0


def test_a_report_lands_in_the_roads_inbox_is_answered_closed_and_counted(
        stack: Stack, client: FlaskClient) -> None:
    """The inbox's done-means: a broken road with two photos and a place lands in the roads
    department; a case worker answers; the answer reaches the chat; the resident answers back
    into the same case; the case is closed; the dashboard's figures count it."""
    _town(stack)
    user = stack.resident()
    stack.sim.follow(user)
    stack.tap(user, "道路・公園などの通報")
    stack.tap(user, "道路の損傷")
    stack.sim.send_location(user, latitude=34.672, longitude=133.746, address="中央一丁目 交差点")
    stack.sim.send_image(user, JPEG, "image/jpeg")
    stack.sim.send_image(user, JPEG + b" closer", "image/jpeg")
    stack.tap(user, "次へ")
    stack.sim.send_text(user, "車道に穴があります。")
    stack.tap(user, "はい")
    number = re.search(r"受付番号 (\d{4}-\d{6})", stack.said(user)).group(1)  # type: ignore[union-attr]

    sign_in(client, "roads")
    inbox = client.get("/staff/cases/?status=new").get_data(as_text=True)
    assert number in inbox and "道路・公園などの通報（道路の損傷）" in inbox
    case_id = re.search(r'href="/staff/cases/([^"?/]+)"', inbox).group(1)  # type: ignore[union-attr]
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    photos = re.findall(r'src="(/staff/cases/[^"]+/photo\?ref=[^"]+)"', page)
    assert [client.get(p.replace("&amp;", "&")).data for p in photos] == [
        JPEG, JPEG + b" closer"]
    assert "中央一丁目 交差点" in page and "34.672" in page
    on_map = client.get("/staff/cases/map").get_data(as_text=True)
    assert number in on_map and "133.746" in on_map

    headers = {"X-CSRF-Token": token(client)}
    key = re.search(r'name="reply_key" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post(f"/staff/cases/{case_id}/reply", headers=headers,
                data={"text": "ご連絡ありがとうございます。今週中に補修します。", "reply_key": key})
    assert any("今週中に補修します" in t and number in t for t in stack.texts(user))
    stack.sim.send_text(user, "ありがとうございます。")
    assert "ありがとうございます。" in client.get(f"/staff/cases/{case_id}").get_data(
        as_text=True)
    assert client.post(f"/staff/cases/{case_id}/close", headers=headers).status_code == 302

    dashboard = client.get("/staff/").get_data(as_text=True)
    figures = dashboard[dashboard.index("data-case-figures"):]
    row = re.search(r"<th scope=\"row\">建設課（道路・公園）</th>(.*?)</tr>", figures).group(1)  # type: ignore[union-attr]
    assert re.findall(r">(\d+)<", row) == ["0", "0", "0", "1", "1"]  # 新規 対応中 回答済み 完了 計
