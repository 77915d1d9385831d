"""The rich menus as staff lay them out (ADR 0054): for each audience (residents not verified
yet, verified residents) one row or two rows of three tiles, each with what a tap does, a label
and an icon. `MenuLayout.of` checks a layout and refuses it with the place of every problem;
`MenuLayout.plan` turns it into the `RichMenuPlan` that is drawn and set on LINE.

What a tile may do: start a procedure (one of `menu_procedures`), 本人確認, 状況確認, 連絡先, open
an https URL or the resident web channel, or switch to the other audience's menu (LINE's
richmenuswitch with the alias named as that menu)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from attrs import define, field, frozen

from application.channels.menu import (
    ASSOCIATIONS_DATA,
    ASSOCIATIONS_LABEL,
    CONTACTS_DATA,
    CONTACTS_LABEL,
    START_PREFIX,
    STATUS_DATA,
    STATUS_LABEL,
    SWITCH_PREFIX,
    VERIFY_DATA,
    VERIFY_LABEL,
    Menu,
)
from application.channels.rich_menu import (
    CHAT_BAR_TEXT,
    COLUMN_EDGES,
    ROW_HEIGHT,
    UNVERIFIED_NAME,
    VERIFIED_NAME,
    WIDTH,
    RichMenuPlan,
    Tile,
)
from domain.errors import DomainError

__all__ = [
    "AUDIENCES",
    "ICONS",
    "KIND_LABELS",
    "MAX_LABEL",
    "LayoutRefused",
    "LayoutTile",
    "MenuLayout",
    "SavedRichMenu",
    "TileKind",
    "default_layout",
    "menu_procedures",
]

AUDIENCES = {"unverified": "本人確認前の住民のメニュー", "verified": "本人確認済みの住民のメニュー"}
_NAMES = {"unverified": UNVERIFIED_NAME, "verified": VERIFIED_NAME}
MAX_LABEL = 12  # two lines of six under the icon, at a size read at arm's length
MAX_URL = 1000  # LINE's uri action
# The icons drawn on a tile (adapters/line/rich_menu_icons.py), by name, as staff choose them.
ICONS = {"none": "なし", "person": "人（本人確認）", "document": "書類（申請）",
         "search": "虫めがね（状況確認）", "phone": "電話（連絡先）", "mail": "封筒（お知らせ）",
         "chat": "吹き出し（相談）", "alert": "注意（通報）", "globe": "地球（ウェブ）",
         "home": "家（役所）", "calendar": "カレンダー（予約）", "switch": "矢印（切り替え）"}


class TileKind(StrEnum):
    EMPTY = "empty"
    PROCEDURE = "procedure"
    VERIFY = "verify"
    STATUS = "status"
    CONTACTS = "contacts"
    ASSOCIATIONS = "associations"  # 自治会: join or leave an association (ADR 0057)
    URL = "url"
    WEB = "web"
    SWITCH = "switch"


KIND_LABELS = {TileKind.EMPTY: "空き", TileKind.PROCEDURE: "手続きを始める",
               TileKind.VERIFY: VERIFY_LABEL, TileKind.STATUS: STATUS_LABEL,
               TileKind.CONTACTS: CONTACTS_LABEL, TileKind.ASSOCIATIONS: ASSOCIATIONS_LABEL,
               TileKind.URL: "ウェブページを開く",
               TileKind.WEB: "ウェブ窓口を開く", TileKind.SWITCH: "別のメニューに切替"}
_POSTBACKS = {TileKind.VERIFY: VERIFY_DATA, TileKind.STATUS: STATUS_DATA,
              TileKind.CONTACTS: CONTACTS_DATA, TileKind.ASSOCIATIONS: ASSOCIATIONS_DATA}


class LayoutRefused(DomainError):
    """`problems`: (the tile's index, or None for the whole menu; the Japanese message)."""

    code = "rich_menu_layout_refused"

    def __init__(self, problems: Sequence[tuple[int | None, str]], rows: int = 2) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(
            message if index is None else f"{_place(index, rows)}のタイル: {message}"
            for index, message in self.problems))


def _place(index: int, rows: int) -> str:
    row, column = divmod(index, 3)
    side = ("左", "中央", "右")[column]
    return side if rows == 1 else f"{('上段', '下段')[row]}・{side}"


@frozen
class LayoutTile:
    kind: TileKind = field(converter=TileKind)
    label: str = ""
    icon: str = "none"
    target: str = ""  # the procedure's id, or the URL

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind.value, "label": self.label, "icon": self.icon,
                "target": self.target}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LayoutTile:
        return cls(data["kind"], data.get("label", ""), data.get("icon", "none"),
                   data.get("target", ""))


@frozen
class MenuLayout:
    audience: str
    rows: int
    tiles: tuple[LayoutTile, ...] = field(converter=tuple)

    @classmethod
    def of(cls, audience: str, rows: int, tiles: Sequence[LayoutTile], *,
           procedures: Mapping[str, str]) -> MenuLayout:
        """The layout, checked; LayoutRefused names every problem and where it is."""
        if audience not in AUDIENCES:
            raise LayoutRefused([(None, "メニューの種類が正しくありません。")])
        if rows not in (1, 2):
            raise LayoutRefused([(None, "大きさは「2段×3列」か「1段×3列」を選んでください。")])
        if len(tiles) != 3 * rows:
            raise LayoutRefused([(None, f"タイルは{3 * rows}枚にしてください。")])
        tiles = [_cleaned(tile) for tile in tiles]
        problems = [(index, message) for index, tile in enumerate(tiles)
                    for message in _problems(tile, procedures)]
        if all(tile.kind is TileKind.EMPTY for tile in tiles):
            problems.append((None, "少なくとも1枚のタイルに、押したときの動きを選んでください。"))
        if problems:
            raise LayoutRefused(problems, rows)
        return cls(audience, rows, tiles)

    def to_json(self) -> list[dict[str, str]]:
        return [tile.to_json() for tile in self.tiles]

    @classmethod
    def from_json(cls, audience: str, rows: int, tiles: Sequence[Mapping[str, Any]]) -> MenuLayout:
        return cls(audience, rows, [LayoutTile.from_json(tile) for tile in tiles])

    @property
    def name(self) -> str:
        return _NAMES[self.audience]

    def plan(self, *, web_url: str) -> RichMenuPlan:
        """What is drawn and set on LINE; an empty tile is drawn blank and has no area."""
        other = _NAMES["verified" if self.audience == "unverified" else "unverified"]
        tiles = []
        for index, tile in enumerate(self.tiles):
            if tile.kind is TileKind.EMPTY:
                continue
            row, column = divmod(index, 3)
            x, right = COLUMN_EDGES[column], COLUMN_EDGES[column + 1]
            icon = "" if tile.icon == "none" else tile.icon
            data, uri, switch_to = _action(tile, other, web_url)
            tiles.append(Tile(tile.label, data, x=x, y=row * ROW_HEIGHT, width=right - x,
                              height=ROW_HEIGHT, icon=icon, uri=uri, switch_to=switch_to))
        return RichMenuPlan(self.name, CHAT_BAR_TEXT, WIDTH, self.rows * ROW_HEIGHT, tiles)


@define(slots=False, eq=False)
class SavedRichMenu:
    audience: str  # "unverified" or "verified"
    rows: int
    tiles: list[dict[str, Any]] = field(factory=list)
    updated_at: dt.datetime | None = None
    updated_by: str = ""
    published_at: dt.datetime | None = None  # last set on LINE from the editor
    published_by: str = ""

    @classmethod
    def of(cls, layout: MenuLayout, *, by: str, at: dt.datetime) -> SavedRichMenu:
        return cls(layout.audience, layout.rows, layout.to_json(), at, by)

    def change(self, layout: MenuLayout, *, by: str, at: dt.datetime) -> None:
        self.rows, self.tiles = layout.rows, layout.to_json()
        self.updated_by, self.updated_at = by, at

    def mark_published(self, *, by: str, at: dt.datetime) -> None:
        self.published_by, self.published_at = by, at

    @property
    def layout(self) -> MenuLayout:
        return MenuLayout.from_json(self.audience, self.rows, self.tiles)


def _action(tile: LayoutTile, other: str, web_url: str) -> tuple[str, str, str]:
    """(postback data, uri, alias to switch to)."""
    if tile.kind is TileKind.PROCEDURE:
        return f"{START_PREFIX}{tile.target}", "", ""
    if tile.kind is TileKind.URL:
        return "", tile.target, ""
    if tile.kind is TileKind.WEB:
        return "", web_url, ""
    if tile.kind is TileKind.SWITCH:
        return f"{SWITCH_PREFIX}{other}", "", other
    return _POSTBACKS[tile.kind], "", ""


def _cleaned(tile: LayoutTile) -> LayoutTile:
    return LayoutTile(tile.kind, tile.label.strip(), tile.icon or "none", tile.target.strip())


def _problems(tile: LayoutTile, procedures: Mapping[str, str]) -> list[str]:
    if tile.kind is TileKind.EMPTY:
        return []
    found = []
    if not tile.label:
        found.append("ラベルを入力してください。")
    elif len(tile.label) > MAX_LABEL:
        found.append(f"ラベルは{MAX_LABEL}文字以内にしてください（いま{len(tile.label)}文字）。")
    elif any(not char.isprintable() for char in tile.label):
        found.append("ラベルに改行や制御文字は使えません。")
    if tile.icon not in ICONS:
        found.append("アイコンを一覧から選んでください。")
    if tile.kind is TileKind.PROCEDURE and tile.target not in procedures:
        found.append("始める手続きを一覧から選んでください。")
    if tile.kind is TileKind.URL:
        found.extend(_url_problems(tile.target))
    return found


def _url_problems(url: str) -> list[str]:
    if not url:
        return ["開くウェブページのURLを入力してください。"]
    if len(url) > MAX_URL:
        return [f"URLは{MAX_URL}文字以内にしてください。"]
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    if parts is None or parts.scheme != "https" or not parts.hostname \
            or any(char.isspace() for char in url):
        return ["URLは https:// で始まる正しいアドレスにしてください。"]
    return []


def menu_procedures(menu: Menu) -> dict[str, str]:
    """The procedures a tile may start (id → the menu's label): the one list the editor, the
    checks and the plans read (entrypoints/rich_menu_wiring.py feeds it)."""
    return {entry.procedure_id: entry.label for entry in menu.entries}


_ICON_OF = {"contact": "chat", "consultation": "chat", "report": "alert",
            "certificate": "document"}


def default_layout(audience: str, procedures: Mapping[str, str]) -> MenuLayout:
    """What the editor starts from when staff have stored nothing: the menu's own order
    (本人確認 first for residents not verified; 状況確認 and 連絡先 last for verified ones)."""
    wanted = [LayoutTile(TileKind.PROCEDURE, label[:MAX_LABEL], _ICON_OF.get(key, "document"), key)
              for key, label in procedures.items()]
    if audience == "unverified":
        wanted = [LayoutTile(TileKind.VERIFY, VERIFY_LABEL, "person"), *wanted[:5]]
    else:
        wanted = [*wanted[:4], LayoutTile(TileKind.STATUS, STATUS_LABEL, "search"),
                  LayoutTile(TileKind.CONTACTS, CONTACTS_LABEL, "phone")]
    rows = 1 if len(wanted) <= 3 else 2
    wanted += [LayoutTile(TileKind.EMPTY)] * (3 * rows - len(wanted))
    return MenuLayout(audience, rows, wanted)
