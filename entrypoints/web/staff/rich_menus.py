"""LINEのリッチメニュー, for administrators (ADR 0054): lay out the menu of residents not verified
yet and the menu of verified residents (1×3 or 2×3 tiles: what a tap does, a label, an icon),
with a preview drawn by the code that draws LINE's image; save (checked, audited), and 公開
(both menus set on LINE, audited)."""

from __future__ import annotations

import base64
from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict

from adapters.line.rich_menu_image import draw_rich_menu
from application.channels.publishing_rich_menus import publish_rich_menus
from application.channels.rich_menu_layout import (
    AUDIENCES,
    ICONS,
    KIND_LABELS,
    MAX_LABEL,
    LayoutRefused,
    LayoutTile,
    MenuLayout,
    TileKind,
    default_layout,
)
from application.channels.saved_rich_menus import load_saved_layouts
from application.channels.saving_rich_menu_layout import (
    SaveRichMenuLayout,
    save_rich_menu_layout,
)
from domain.access import Permission
from domain.errors import DomainError
from entrypoints.rich_menu_wiring import (
    line_rich_menus_if_configured,
    rich_menu_procedures,
    web_channel_url,
)
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("LINEのリッチメニュー", "staff.rich_menus", Permission.ADMINISTER,
                             935))

CELLS = 6


def _audience(value: str | None) -> str:
    return value if value in AUDIENCES else "unverified"


def _tiles_from(form: MultiDict[str, str]) -> list[LayoutTile]:
    """The six tiles as sent (a 1×3 menu uses the first three); the target is the procedure's
    select or the URL's field, by the tile's kind."""
    tiles = []
    for n in range(CELLS):
        kind = form.get(f"kind{n}", TileKind.EMPTY.value)
        if kind not in TileKind._value2member_map_:
            kind = TileKind.EMPTY.value
        target = form.get(f"url{n}", "") if kind == TileKind.URL else \
            form.get(f"procedure{n}", "") if kind == TileKind.PROCEDURE else ""
        tiles.append(LayoutTile(kind, form.get(f"label{n}", "")[:200],
                                form.get(f"icon{n}", "none")[:32], target[:2000]))
    return tiles


def _rows_from(form: MultiDict[str, str]) -> int:
    return 1 if form.get("rows") == "1" else 2 if form.get("rows") == "2" else 0


def _checked(form: MultiDict[str, str], procedures: dict[str, str]) -> MenuLayout:
    rows = _rows_from(form)
    tiles = _tiles_from(form)
    return MenuLayout.of(_audience(form.get("audience")), rows, tiles[:3 * rows] if rows else tiles,
                         procedures=procedures)


def _preview(layout: MenuLayout) -> str:
    image = draw_rich_menu(layout.plan(web_url=web_channel_url(container())))
    return "data:image/png;base64," + base64.b64encode(image).decode("ascii")


def _page(audience: str, tiles: list[LayoutTile], rows: int, *, status: int = 200,
          refused: LayoutRefused | None = None):  # type: ignore[no-untyped-def]
    services = container()
    procedures = rich_menu_procedures(services)
    saved = load_saved_layouts(services.uow)
    tiles = tiles + [LayoutTile(TileKind.EMPTY)] * (CELLS - len(tiles))
    preview = None
    if refused is None:
        preview = _preview(MenuLayout(audience, rows, tiles[:3 * rows]))
    problems: dict[Any, list[str]] = {}
    for index, message in (refused.problems if refused else ()):
        problems.setdefault(index, []).append(message)
    return render_template(
        "staff/admin/rich_menu.html", audience=audience, audiences=AUDIENCES, rows=rows,
        tiles=tiles, saved=saved.get(audience), all_saved=saved, procedures=procedures,
        kinds=KIND_LABELS, icons=ICONS, max_label=MAX_LABEL, preview=preview,
        problems=problems, line_ready=line_rich_menus_if_configured(services) is not None,
    ), status


@staff.get("/settings/rich-menu")
@requires_staff_permission(Permission.ADMINISTER)
def rich_menus():  # type: ignore[no-untyped-def]
    audience = _audience(request.args.get("audience"))
    services = container()
    saved = load_saved_layouts(services.uow).get(audience)
    layout = saved.layout if saved is not None else \
        default_layout(audience, rich_menu_procedures(services))
    return _page(audience, list(layout.tiles), layout.rows)


@staff.post("/settings/rich-menu")
@requires_staff_permission(Permission.ADMINISTER)
def save_rich_menu():  # type: ignore[no-untyped-def]
    form = request.form
    audience, rows = _audience(form.get("audience")), _rows_from(form)
    services = container()
    tiles = _tiles_from(form)
    try:
        save_rich_menu_layout(
            SaveRichMenuLayout(audience, rows, tiles[:3 * rows] if rows else tiles),
            actor=g.actor, uow=services.uow(), clock=services.clock(),
            procedures=rich_menu_procedures(services))
    except LayoutRefused as refused:
        return _page(audience, tiles, rows or 2, status=422, refused=refused)
    flash("リッチメニューの配置を保存しました。「LINEに公開」で住民のLINEに反映されます。",
          "success")
    return redirect(url_for("staff.rich_menus", audience=audience))


@staff.post("/settings/rich-menu/preview")
@requires_staff_permission(Permission.ADMINISTER)
def preview_rich_menu():  # type: ignore[no-untyped-def]
    """The image LINE would be given for the layout sent (nothing stored), or the problems."""
    try:
        layout = _checked(request.form, rich_menu_procedures(container()))
    except LayoutRefused as refused:
        return jsonify(problems=[{"tile": index, "message": message}
                                 for index, message in refused.problems]), 422
    return jsonify(image=_preview(layout))


@staff.post("/settings/rich-menu/publish")
@requires_staff_permission(Permission.ADMINISTER)
def publish_rich_menu():  # type: ignore[no-untyped-def]
    services = container()
    audience = _audience(request.form.get("audience"))
    try:
        publish_rich_menus(
            actor=g.actor, menu=services.menu(), platform=line_rich_menus_if_configured(services),
            uow_factory=services.uow, clock=services.clock(), web_url=web_channel_url(services),
            procedures=rich_menu_procedures(services))
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.rich_menus", audience=audience))
    flash("LINEに公開しました。本人確認済みの住民には本人確認済みのメニューが表示されます。",
          "success")
    return redirect(url_for("staff.rich_menus", audience=audience))
