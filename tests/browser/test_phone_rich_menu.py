"""The simulator's phone page shows the rich menu under the chat as LINE does: a new friend sees
the unverified residents' menu, and tapping its お問い合わせ tile starts that procedure."""

from __future__ import annotations

from typing import Any

from application.channels.setting_rich_menus import set_rich_menus
from entrypoints.rich_menu_wiring import rich_menu_plans
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the fixture: app + LINE simulator)


def test_a_tile_of_the_rich_menu_on_the_phone_page_starts_the_procedure(
        stack: Stack, page: Any) -> None:  # noqa: F811
    container = stack.container
    set_rich_menus(rich_menu_plans(container), platform=container.line_rich_menus(),
                   uow_factory=container.uow)
    user = stack.resident("窓口 花子")

    page.goto(f"{stack.sim.base_url}/phone/{user}")
    page.get_by_text("さんはまだ友だち追加していません").wait_for()  # the page knows the user
    assert page.locator("#rich-menu").is_hidden()  # not a friend yet: no menu
    page.click("#follow-button")
    page.locator("#rich-menu-tiles button[aria-label='本人確認']").wait_for()
    assert page.locator("#rich-menu-bar").inner_text().startswith("メニュー")
    page.click("#rich-menu-tiles button[aria-label='お問い合わせ']")
    page.locator("#chat").filter(has_text="お名前").wait_for()
