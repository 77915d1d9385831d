"""Staff save the layout of one of the two rich menus (ADR 0054): checked (`MenuLayout.of`
refuses with the place of every problem, and nothing changes), stored, audited. Saving does
not touch LINE: 公開 (publishing_rich_menus) does."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.channels.rich_menu_layout import LayoutTile, MenuLayout, SavedRichMenu
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission

__all__ = ["SaveRichMenuLayout", "save_rich_menu_layout"]


@frozen
class SaveRichMenuLayout:
    audience: str
    rows: int
    tiles: tuple[LayoutTile, ...] = field(converter=tuple)


def save_rich_menu_layout(command: SaveRichMenuLayout, *, actor: Actor, uow: UnitOfWork,
                          clock: Clock, procedures: Mapping[str, str]) -> MenuLayout:
    actor.ensure(Permission.ADMINISTER, "LINEのリッチメニューを変更")
    layout = MenuLayout.of(command.audience, command.rows, command.tiles, procedures=procedures)
    now = clock.now()
    with uow:
        saved = uow.rich_menu_layouts.get(layout.audience)
        if saved is None:
            uow.rich_menu_layouts.add(SavedRichMenu.of(layout, by=actor.id, at=now))
        else:
            saved.change(layout, by=actor.id, at=now)
        record(uow, actor, "rich_menu.saved", "rich_menu", layout.audience, at=now,
               size=f"{layout.rows}x3", tiles=_summary(layout.tiles))
        uow.commit()
    return layout


def _summary(tiles: Sequence[LayoutTile]) -> str:
    """What each tile does, in order (no URL: a short fact for the audit log)."""
    return " / ".join(f"{tile.kind.value}:{tile.label}" if tile.label else tile.kind.value
                      for tile in tiles)
