"""An administrator lays out the LINE rich menu in the browser (ADR 0054): the preview follows
each change, a label too long is named at once, the layout is saved and published; then the
simulator's phone shows that menu, a tile starts its procedure in the chat, and the switch tile
shows the other menu."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from domain.staff import Role
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the fixture: app + LINE simulator)
from tests.e2e.staff_support import PASSWORD, make_staff

SHOTS = os.environ.get("RICH_MENU_SHOTS")  # a folder: keep the screenshots to look at them


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    shot = page.screenshot(full_page=True)  # written here: Playwright's path= uses a thread
    assert shot.startswith(b"\x89PNG")
    for folder in filter(None, (tmp_path, SHOTS and Path(SHOTS))):
        (folder / f"{name}.png").write_bytes(shot)


def test_staff_lay_out_preview_and_publish_and_the_phone_shows_it(
        stack: Stack, page: Any, tmp_path: Path) -> None:  # noqa: F811
    make_staff(stack.container, "boss", Role.ADMINISTRATOR, name="管理 一郎")
    page.goto(f"{stack.app_url}/staff/")
    page.get_by_label("ログインID").fill("boss")
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_selector("h1:has-text('ダッシュボード')")

    page.get_by_role("link", name="LINEのリッチメニュー").click()
    page.wait_for_selector("h1:has-text('LINEのリッチメニュー')")
    first_preview = page.get_attribute("#rich-menu-preview", "src")
    page.get_by_label("1段×3列（2500×843）").check()
    assert page.locator("#tile3").is_hidden()  # a 1×3 menu has no second row
    page.select_option("#kind1", "procedure")
    page.select_option("#procedure1", "contact")
    page.fill("#label1", "お問い合わせはこちらから送れます")  # 16 characters: too long
    page.locator("#rich-menu-preview-problems").filter(
        has_text="ラベルは12文字以内にしてください").wait_for()
    page.fill("#label1", "お問い合わせ")
    page.select_option("#icon1", "chat")
    page.select_option("#kind2", "switch")
    page.fill("#label2", "済みの方へ")
    page.select_option("#icon2", "switch")
    page.wait_for_function(
        "first => { const img = document.getElementById('rich-menu-preview');"
        " return !img.hidden && img.src !== first && img.naturalWidth === 2500"
        " && img.naturalHeight === 843; }", arg=first_preview)
    assert page.locator("#rich-menu-preview-problems").is_hidden()
    _shot(page, tmp_path, "rich-menu-editor")

    page.get_by_role("button", name="保存する").click()
    page.locator(".notice--success").filter(has_text="配置を保存しました").wait_for()
    page.get_by_role("button", name="LINEに公開する").click()
    page.locator(".notice--success").filter(has_text="LINEに公開しました").wait_for()
    assert "最後の公開" in page.inner_text("[data-saved-state]")

    user = stack.resident("窓口 花子")
    page.set_viewport_size({"width": 480, "height": 900})
    page.goto(f"{stack.sim.base_url}/phone/{user}")
    page.get_by_text("さんはまだ友だち追加していません").wait_for()  # the page knows the user
    page.click("#follow-button")
    tiles = page.locator("#rich-menu-tiles")
    tiles.locator("button[aria-label='お問い合わせ']").wait_for()
    assert tiles.locator("button").count() == 3
    _shot(page, tmp_path, "rich-menu-phone")
    tiles.locator("button[aria-label='お問い合わせ']").click()
    page.locator("#chat").filter(has_text="お名前").wait_for()  # the procedure started

    tiles.locator("button[aria-label='済みの方へ']").click()  # richmenuswitch: the other menu
    tiles.locator("button[aria-label='状況確認']").wait_for()
    assert stack.sim.rich_menus.shown_to(user)["name"] == "madoguchi-verified"
    _shot(page, tmp_path, "rich-menu-phone-switched")
