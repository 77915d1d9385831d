"""Rich menus as staff lay them out (ADR 0054): a layout is refused with the place of each
problem; a good one becomes the plan LINE is given (postbacks as the quick replies, a URL, the
web channel, a switch to the other menu's alias), drawn in LINE's sizes with its icons."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from adapters.line.rich_menu_icons import ICON_DRAWINGS
from adapters.line.rich_menu_image import draw_rich_menu
from application.channels.menu import CONTACTS_DATA, STATUS_DATA, VERIFY_DATA, Menu, MenuEntry
from application.channels.rich_menu_layout import (
    ICONS,
    LayoutRefused,
    LayoutTile,
    MenuLayout,
    TileKind,
    default_layout,
    menu_procedures,
)

pytestmark = pytest.mark.unit

PROCEDURES = menu_procedures(Menu("試験町", [MenuEntry("contact", "お問い合わせ"),
                                          MenuEntry("report", "道路・公園などの通報")]))
WEB = "https://madoguchi.example.jp/r/"


def _tile(kind: str, label: str = "ラベル", icon: str = "none", target: str = "") -> LayoutTile:
    return LayoutTile(kind, label, icon, target)


def _refusal(rows: int, tiles: list[LayoutTile], audience: str = "verified") -> LayoutRefused:
    with pytest.raises(LayoutRefused) as refused:
        MenuLayout.of(audience, rows, tiles, procedures=PROCEDURES)
    return refused.value


def test_each_kind_of_tile_does_what_it_says() -> None:
    layout = MenuLayout.of("verified", 2, [
        _tile("procedure", "お問い合わせ", "chat", "contact"), _tile("verify"),
        _tile("status"), _tile("contacts"), _tile("url", target="https://city.example.jp/"),
        _tile("web")], procedures=PROCEDURES)

    tiles = layout.plan(web_url=WEB).tiles

    assert [(t.data, t.uri, t.switch_to) for t in tiles] == [
        ("start:contact", "", ""), (VERIFY_DATA, "", ""), (STATUS_DATA, "", ""),
        (CONTACTS_DATA, "", ""), ("", "https://city.example.jp/", ""), ("", WEB, "")]


def test_a_switch_tile_switches_to_the_other_menus_alias() -> None:
    for audience, other in (("unverified", "madoguchi-verified"),
                            ("verified", "madoguchi-unverified")):
        layout = MenuLayout.of(audience, 1, [_tile("switch"), _tile("empty"), _tile("empty")],
                               procedures=PROCEDURES)
        [tile] = layout.plan(web_url=WEB).tiles
        assert tile.switch_to == other and tile.data == f"richmenu-switch:{other}"


def test_tiles_fill_lines_grid_in_reading_order_and_an_empty_one_has_no_area() -> None:
    layout = MenuLayout.of("verified", 2, [_tile("status")] * 4 + [_tile("empty"),
                                                                   _tile("contacts")],
                           procedures=PROCEDURES)

    plan = layout.plan(web_url=WEB)

    assert (plan.width, plan.height) == (2500, 1686)
    assert [(t.x, t.y, t.width, t.height) for t in plan.tiles] == [
        (0, 0, 833, 843), (833, 0, 834, 843), (1667, 0, 833, 843),
        (0, 843, 833, 843), (1667, 843, 833, 843)]


def test_every_problem_is_named_with_its_tiles_place() -> None:
    refused = _refusal(2, [
        _tile("procedure", "あ" * 13, target="contact"),
        _tile("url", target="http://city.example.jp/"),
        _tile("procedure", "", target="gone"),
        _tile("status", icon="unicorn"),
        _tile("url", target=""),
        _tile("status", "改行\nあり")])

    assert refused.problems == (
        (0, "ラベルは12文字以内にしてください（いま13文字）。"),
        (1, "URLは https:// で始まる正しいアドレスにしてください。"),
        (2, "ラベルを入力してください。"), (2, "始める手続きを一覧から選んでください。"),
        (3, "アイコンを一覧から選んでください。"),
        (4, "開くウェブページのURLを入力してください。"),
        (5, "ラベルに改行や制御文字は使えません。"))
    assert refused.message.splitlines()[0] == \
        "上段・左のタイル: ラベルは12文字以内にしてください（いま13文字）。"
    assert "下段・右のタイル: ラベルに改行や制御文字は使えません。" in refused.message


@pytest.mark.parametrize("url", ["https://", "https://exa mple.jp/", "javascript:alert(1)",
                                 "ftp://city.example.jp/", "https://x.jp/" + "a" * 1000])
def test_only_a_proper_https_url_opens(url: str) -> None:
    refused = _refusal(1, [_tile("url", target=url), _tile("empty"), _tile("empty")])
    assert [index for index, _ in refused.problems] == [0]


def test_a_layout_of_the_wrong_size_or_with_nothing_to_tap_is_refused() -> None:
    assert _refusal(3, [_tile("status")] * 9).problems == (
        (None, "大きさは「2段×3列」か「1段×3列」を選んでください。"),)
    assert _refusal(1, [_tile("status")] * 6).problems == ((None, "タイルは3枚にしてください。"),)
    assert _refusal(1, [_tile("empty")] * 3).problems == (
        (None, "少なくとも1枚のタイルに、押したときの動きを選んでください。"),)
    assert _refusal(1, [_tile("status")] * 3, audience="everyone").problems == (
        (None, "メニューの種類が正しくありません。"),)


def test_labels_and_urls_are_kept_trimmed_and_survive_storage() -> None:
    layout = MenuLayout.of("verified", 1, [_tile("status", " 状況確認 "),
                                           _tile("url", "町", "globe", " https://x.jp/ "),
                                           _tile("empty")], procedures=PROCEDURES)

    again = MenuLayout.from_json("verified", 1, layout.to_json())

    assert again == layout
    assert layout.tiles[0].label == "状況確認" and layout.tiles[1].target == "https://x.jp/"


def test_the_editor_starts_from_the_menus_own_order() -> None:
    unverified = default_layout("unverified", PROCEDURES)
    verified = default_layout("verified", PROCEDURES)

    assert [t.kind for t in unverified.tiles] == [TileKind.VERIFY, TileKind.PROCEDURE,
                                                  TileKind.PROCEDURE]
    assert [t.kind for t in verified.tiles] == [TileKind.PROCEDURE, TileKind.PROCEDURE,
                                                TileKind.STATUS, TileKind.CONTACTS,
                                                TileKind.EMPTY, TileKind.EMPTY]
    for layout in (unverified, verified):  # each can be saved as it is
        MenuLayout.of(layout.audience, layout.rows, layout.tiles, procedures=PROCEDURES)


@pytest.mark.parametrize(("rows", "size"), [(1, (2500, 843)), (2, (2500, 1686))])
def test_a_staff_layout_is_drawn_in_lines_sizes_with_every_icon(
        rows: int, size: tuple[int, int]) -> None:
    names = [name for name in ICONS if name != "none"]
    for start in range(0, len(names), 3 * rows):
        chunk = names[start:start + 3 * rows]
        tiles = [_tile("status", "状況確認", name) for name in chunk]
        tiles += [_tile("empty")] * (3 * rows - len(tiles))
        image = draw_rich_menu(MenuLayout.of("verified", rows, tiles,
                                             procedures=PROCEDURES).plan(web_url=WEB))
        drawn = Image.open(io.BytesIO(image))
        assert drawn.format == "PNG" and drawn.size == size and len(image) <= 1024 * 1024


def test_every_icon_staff_can_choose_is_drawn() -> None:
    assert set(ICONS) - {"none"} == set(ICON_DRAWINGS)


def test_an_icon_marks_its_tile() -> None:
    def drawn(icon: str) -> bytes:
        layout = MenuLayout.of("verified", 1, [_tile("status", "状況確認", icon), _tile("empty"),
                                               _tile("empty")], procedures=PROCEDURES)
        return Image.open(io.BytesIO(draw_rich_menu(layout.plan(web_url=WEB)))).tobytes()

    assert drawn("search") != drawn("none") != drawn("phone")
