"""配信対象の編集 in a real browser: staff build 「本町1丁目の65歳以上、または LINE の友だち」
with the groups and the condition picker, watch the count follow as they edit (「条件に合う人が
いません」 for none), save, and the JSON the form sent is what they built."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from application.residents.profiles import refresh_profiles
from domain.channels import ChannelIdentity
from domain.staff import Role
from tests import builders as b
from tests.e2e.staff_support import PASSWORD, make_staff

pytestmark = pytest.mark.e2e


def _town(container: Any) -> None:
    now = container.clock().now()
    with container.uow() as uow:
        for n, (area, born) in enumerate((("本町1丁目1番", dt.date(1950, 1, 1)),
                                          ("本町1丁目2番", dt.date(1990, 1, 1)),
                                          ("栄町2丁目3番", dt.date(1940, 1, 1))), 1):
            uow.residents.add(b.resident(id=f"r{n}", resident_number=f"00{n}",
                                         household_number=f"H{n}", address=area, born=born))
        uow.commit()
    with container.uow() as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i9", channel="line",
                                                              address="U9", at=now))
        uow.commit()
    refresh_profiles(actor=b.actor(), uow_factory=container.uow, clock=container.clock())
    make_staff(container, "notices", Role.APPROVER)


def test_staff_build_a_segment_and_the_count_follows(served: str, page: Any,
                                                     container: Any) -> None:
    _town(container)
    page.goto(f"{served}/staff/login")
    page.fill("input[name=login_id]", "notices")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("button:text-is('ログアウト')").wait_for()
    page.goto(f"{served}/staff/segments/new")
    live = page.locator("[data-live-count]")
    live.filter(has_text="条件に合う人がいません").wait_for()  # verified: nobody yet

    top = page.locator("[data-segment-editor] > fieldset")
    top.locator("legend select").select_option("any")
    top.locator(".segment-condition button").first.click()  # remove 本人確認
    top.locator(".segment-adding select").select_option("channel")
    live.filter(has_text="今の対象: 1人").wait_for()  # i9 on LINE
    top.locator(".segment-adding button").click()  # a group inside: いずれか
    inner = top.locator("fieldset")
    inner.locator("legend select").first.select_option("all")
    inner.locator(".segment-adding select").select_option("age")
    inner.locator(".segment-adding select").select_option("area")
    inner.locator(".segment-condition").filter(has_text="お知らせの分野").locator(
        "button").click()  # the group's first condition (no interests in this town)
    area = inner.locator(".segment-condition").filter(has_text="地域")
    area.locator("input[value='本町1丁目']").check()  # 栄町2丁目 was checked first: uncheck
    area.locator("input[value='栄町2丁目']").uncheck()
    live.filter(has_text="今の対象: 2人").wait_for()  # r1 (本町1丁目, 65+) and i9
    assert "本町1丁目" in live.inner_text() and "65歳以上" in live.inner_text()

    page.fill("input[name=name]", "本町1丁目の高齢者とLINE")
    page.click("button:text-is('保存')")
    page.locator("[data-segment-count]").filter(has_text="今の対象: 2人").wait_for()
    with container.uow() as uow:
        [saved] = uow.segments.all()
    assert json.loads(json.dumps(saved.condition_json)) == {"any": [
        {"channel": "line"},
        {"all": [{"age": {"min": 65, "month": saved.condition_json["any"][1]["all"][0]["age"]
                          ["month"]}}, {"area": ["本町1丁目"]}]}]}


def test_a_retired_interest_shows_in_its_saved_condition_but_is_not_offered_anew(
        served: str, page: Any, container: Any) -> None:
    from application.segments.managing_segments import SaveSegment, save_segment
    from domain.interests import InterestTopic

    _town(container)
    now = container.clock().now()
    with container.uow() as uow:
        for position, (key, label, active) in enumerate((("bousai", "防災", True),
                                                         ("gomi", "ごみの日", False)), 1):
            uow.interests.add(InterestTopic(key=key, label=label, description="",
                                            position=position, active=active, created_at=now))
        uow.commit()
    saved = save_segment(SaveSegment(actor=b.actor(), name="ごみの日の登録者",
                                     condition={"interest": "gomi"}),
                         uow=container.uow(), ids=container.ids(), clock=container.clock())
    page.goto(f"{served}/staff/login")
    page.fill("input[name=login_id]", "notices")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator("button:text-is('ログアウト')").wait_for()
    page.goto(f"{served}/staff/segments/{saved.id}")

    kept = page.locator(".segment-condition").filter(has_text="お知らせの分野").locator("select")
    assert kept.locator("option:checked").inner_text() == "ごみの日（終了）"
    top = page.locator("[data-segment-editor] > fieldset")
    top.locator(".segment-adding select").select_option("interest")
    added = page.locator(".segment-condition").filter(has_text="お知らせの分野").nth(1)
    assert added.locator("option").all_inner_texts() == ["防災"]
