"""A 自治会長 in a real browser (ADR 0057): signs in and lands on the 回覧板 page, the only entry of
the navigation; sends a circular and reads its count; another association's circular, reached by
changing the id in the address bar, and every other staff page stay closed."""

from __future__ import annotations

import pytest

from application.access.actor import Actor
from application.associations.creating_association import CreateAssociation, create_association
from application.associations.importing_members import ImportMembers, import_members
from application.associations.sending_circular import SendCircular, send_circular
from entrypoints.containers import Container
from tests import builders as b
from tests.e2e.staff_support import PASSWORD, make_leader

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("engine", ["sqlite"], indirect=True)]

STAFF = Actor.operator("test")


def _association(container: Container, name: str, resident_id: str, number: str) -> str:
    association = create_association(CreateAssociation(name=name, actor=STAFF),
                                     uow=container.uow(), ids=container.ids(),
                                     clock=container.clock())
    with container.uow() as uow:
        uow.residents.add(b.resident(id=resident_id, resident_number=number,
                                     household_number=f"H{number}", name=f"会員 {number[-1]}"))
        uow.commit()
    import_members(ImportMembers(association_id=association,
                                 rows=[(2, {"resident_number": number})], actor=STAFF),
                   uow=container.uow(), ids=container.ids(), clock=container.clock())
    return association


def test_a_leader_sends_a_circular_and_reaches_nothing_else(
        page, served: str, container: Container) -> None:  # type: ignore[no-untyped-def]
    mine = _association(container, "本町二丁目自治会", "r1", "000000001")
    theirs = _association(container, "本町三丁目町内会", "r2", "000000002")
    make_leader(container, "leader.mine", association_id=mine)
    other_id = make_leader(container, "leader.theirs", association_id=theirs)
    with container.uow() as uow:
        other = Actor.staff(uow.staff.get(other_id))
    hidden = send_circular(SendCircular(title="町内会費", body="集金します。", actor=other),
                           uow=container.uow(), ids=container.ids(), clock=container.clock(),
                           telling=container.telling())

    page.goto(f"{served}/staff/")
    page.get_by_label("ログインID").fill("leader.mine")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_selector("h1:has-text('回覧板')")
    assert page.url.endswith("/staff/circulars")
    nav = page.get_by_role("navigation", name="メインメニュー")
    assert nav.get_by_role("link").all_inner_texts() == ["回覧板"]

    page.get_by_label("件名").fill("夏祭りのお知らせ")
    page.get_by_label("本文").fill("8月1日に公園で夏祭りを開きます。")
    page.get_by_role("button", name="会員に送る").click()
    page.wait_for_selector("h1:has-text('夏祭りのお知らせ')")
    assert "0 / 1" in page.inner_text("[data-read-count]")
    assert "会員 1" in page.inner_text("[data-readers]")
    assert "連絡手段なし（紙で回覧）" in page.inner_text("[data-readers]")

    page.goto(f"{served}/staff/circulars/{hidden.circular_id}")
    assert "その回覧板はありません。" in page.inner_text("main")
    assert "町内会費" not in page.inner_text("main") and "会員 2" not in page.inner_text("main")
    page.goto(f"{served}/staff/associations/{theirs}")
    assert "権限がありません" in page.inner_text("main")
    page.goto(f"{served}/staff/residents")
    assert "権限がありません" in page.inner_text("main")
