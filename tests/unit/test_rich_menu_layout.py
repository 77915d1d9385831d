"""The LINE rich menus laid out from the town's menu: each tile sends what the quick-reply menu
sends, tiles fill LINE's sizes without overlapping, 本人確認 leads for residents not verified."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from adapters.line.rich_menu_image import draw_rich_menu
from application.channels.menu import Menu, MenuEntry
from application.channels.rich_menu import (
    UNVERIFIED_NAME,
    VERIFIED_NAME,
    RichMenuPlan,
    rich_menus,
)

pytestmark = pytest.mark.unit

TOWN = Menu("試験町", [MenuEntry("contact", "お問い合わせ"),
                     MenuEntry("report", "道路・公園などの通報"),
                     MenuEntry("certificate", "証明書の請求"),
                     MenuEntry("consultation", "相談")])


def _quick_replies(menu: Menu, *, verified: bool) -> dict[str, str]:
    return {choice.label: choice.data for choice in menu.menu(verified=verified).choices}


def _cells(plan: RichMenuPlan) -> list[tuple[int, int]]:
    return [(x, y) for tile in plan.tiles for x in range(tile.x, tile.x + tile.width, 50)
            for y in range(tile.y, tile.y + tile.height, 50)]


def test_each_tile_sends_the_same_postback_as_the_quick_reply_with_its_label() -> None:
    unverified, verified = rich_menus(TOWN)
    for plan, is_verified in ((unverified, False), (verified, True)):
        replies = _quick_replies(TOWN, verified=is_verified)
        assert {tile.label: tile.data for tile in plan.tiles}.items() <= replies.items()


def test_the_unverified_menu_leads_with_a_wide_verify_tile() -> None:
    unverified, _ = rich_menus(TOWN)
    first = unverified.tiles[0]
    assert unverified.name == UNVERIFIED_NAME
    assert (first.label, first.data, first.prominent) == ("本人確認", "verify:start", True)
    assert (first.x, first.y, first.width) == (0, 0, 1667)
    assert "連絡先" not in {tile.label for tile in unverified.tiles}


def test_the_verified_menu_has_every_procedure_status_and_contacts() -> None:
    _, verified = rich_menus(TOWN)
    assert verified.name == VERIFIED_NAME
    assert [tile.data for tile in verified.tiles] == [
        "start:contact", "start:report", "start:certificate", "start:consultation",
        "status", "contacts:list"]
    assert not any(tile.prominent for tile in verified.tiles)


@pytest.mark.parametrize("entries, height", [(1, 843), (2, 1686), (4, 1686), (9, 1686)])
def test_tiles_fill_lines_sizes_inside_the_image_without_overlapping(entries: int,
                                                                     height: int) -> None:
    menu = Menu("試験町", [MenuEntry(f"p{n}", f"手続き{n}") for n in range(entries)])
    for plan in rich_menus(menu):
        assert plan.width == 2500 and plan.height in (843, 1686)
        assert len(plan.tiles) <= 6 and len(plan.chat_bar_text) <= 14
        for tile in plan.tiles:
            assert tile.x + tile.width <= plan.width and tile.y + tile.height <= plan.height
        assert len(set(_cells(plan))) == len(_cells(plan))
    assert rich_menus(menu)[0].height == height  # 本人確認 (two cells) and the procedures


def test_too_many_procedures_keep_status_and_contacts_for_verified_residents() -> None:
    menu = Menu("試験町", [MenuEntry(f"p{n}", f"手続き{n}") for n in range(9)])
    _, verified = rich_menus(menu)
    assert [tile.data for tile in verified.tiles][-2:] == ["status", "contacts:list"]
    assert len(verified.tiles) == 6


def test_the_image_is_a_png_of_the_menus_size_under_one_megabyte() -> None:
    for plan in rich_menus(TOWN):
        data = draw_rich_menu(plan)
        assert len(data) <= 1024 * 1024
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG" and image.size == (plan.width, plan.height)
