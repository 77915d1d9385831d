"""The LINE rich menu (the tiled menu under the chat), laid out from the town's `Menu`: one for
residents not verified yet (本人確認 first and twice as wide) and one for verified residents.
Each tile sends the same postback data as the quick-reply menu, so a tap and a quick reply take
the same path. Drawing the image and telling LINE is the adapter's (ports/rich_menus.py).

Layouts are LINE's: 2500×1686 (two rows of three) or 2500×843 (one row of three)."""

from __future__ import annotations

from attrs import field, frozen

from application.channels.menu import (
    CONTACTS_DATA,
    CONTACTS_LABEL,
    START_PREFIX,
    STATUS_DATA,
    STATUS_LABEL,
    VERIFY_DATA,
    VERIFY_LABEL,
    Menu,
)

__all__ = [
    "CHAT_BAR_TEXT",
    "COLUMN_EDGES",
    "ROW_HEIGHT",
    "UNVERIFIED_NAME",
    "VERIFIED_NAME",
    "WIDTH",
    "RichMenuPlan",
    "Tile",
    "rich_menus",
]

WIDTH, ROW_HEIGHT, COLUMNS, MAX_ROWS = 2500, 843, 3, 2
UNVERIFIED_NAME = "madoguchi-unverified"
VERIFIED_NAME = "madoguchi-verified"
CHAT_BAR_TEXT = "メニュー"  # the bar under the chat that opens the menu (≤ 14 characters)
COLUMN_EDGES = (0, 833, 1667, 2500)  # three columns of 833-834 pixels
_EDGES = COLUMN_EDGES


@frozen
class Tile:
    """A tap sends `data` as a postback (as the quick reply's), or opens `uri`, or (with
    `switch_to`, a rich menu alias) switches the resident's menu and sends `data` as LINE's
    richmenuswitch does. `icon`: one of the drawn icons (rich_menu_layout.ICONS), or none."""

    label: str
    data: str
    x: int
    y: int
    width: int
    height: int
    prominent: bool = False
    icon: str = ""
    uri: str = ""
    switch_to: str = ""


@frozen
class RichMenuPlan:
    name: str  # stable: an update replaces the menu of the same name
    chat_bar_text: str
    width: int
    height: int
    tiles: tuple[Tile, ...] = field(converter=tuple)

    @property
    def verified(self) -> bool:
        return self.name == VERIFIED_NAME


def rich_menus(menu: Menu) -> tuple[RichMenuPlan, RichMenuPlan]:
    """(for residents not verified yet, for verified residents). Procedures that do not fit in
    six cells are left out (they stay in the quick-reply menu)."""
    procedures = [(entry.label, f"{START_PREFIX}{entry.procedure_id}") for entry in menu.entries]
    unverified = _plan(UNVERIFIED_NAME, [(VERIFY_LABEL, VERIFY_DATA, True), *(
        (label, data, False) for label, data in procedures)])
    verified = _plan(VERIFIED_NAME, [*((label, data, False) for label, data in procedures),
                                     (STATUS_LABEL, STATUS_DATA, False),
                                     (CONTACTS_LABEL, CONTACTS_DATA, False)],
                     keep_last=2)
    return unverified, verified


def _plan(name: str, wanted: list[tuple[str, str, bool]], *, keep_last: int = 0) -> RichMenuPlan:
    """Tiles in reading order; a prominent tile takes two cells of a row. When too many, the
    last procedures go (the `keep_last` fixed tiles at the end stay)."""
    cells = COLUMNS * MAX_ROWS
    while sum(2 if prominent else 1 for _, _, prominent in wanted) > cells:
        del wanted[len(wanted) - keep_last - 1]
    needed = sum(2 if prominent else 1 for _, _, prominent in wanted)
    rows = 1 if needed <= COLUMNS else MAX_ROWS
    tiles, cell = [], 0
    for label, data, prominent in wanted:
        span = 2 if prominent else 1
        if cell % COLUMNS + span > COLUMNS:  # a wide tile does not wrap: start the next row
            cell += COLUMNS - cell % COLUMNS
        row, column = divmod(cell, COLUMNS)
        tiles.append(Tile(label, data, x=_EDGES[column], y=row * ROW_HEIGHT,
                          width=_EDGES[column + span] - _EDGES[column], height=ROW_HEIGHT,
                          prominent=prominent))
        cell += span
    return RichMenuPlan(name, CHAT_BAR_TEXT, WIDTH, rows * ROW_HEIGHT, tiles)
