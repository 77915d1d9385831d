"""通報 through the LINE simulator: a resident reports a broken road with LINE's location picker
and two photos; a point outside Japan is explained and asked again."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Stack

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

    assert "通報を受け付けました" in stack.texts(user)[-1]
    with stack.container.uow() as uow:
        identity = uow.channel_identities.get_by_address("line", user)
        answers = uow.conversations.latest_for(identity.id).answers_on_path()
    assert answers["what"] == "road"
    assert answers["place"] == {"latitude": 36.204824, "longitude": 138.252924,
                                "address": "本町1丁目 役場前"}
    assert len(answers["photos"]) == 2 and all(ref.startswith("line:")
                                               for ref in answers["photos"])
    assert stack.sim.stats()["duplicate_deliveries"] == 0
