"""公開: staff set both rich menus on LINE from what is saved (the derived layout for an
audience with none saved), through the same setter as `madoguchi line rich-menu`, and every
verified resident who follows is linked again (ADR 0054). Audited when LINE took them; a LINE
that is not configured or refuses is told in Japanese, and nothing is recorded as published."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from application.access.actor import Actor
from application.audit.recording import record
from application.channels.menu import Menu
from application.channels.rich_menu_layout import AUDIENCES, LayoutRefused, MenuLayout
from application.channels.saved_rich_menus import planned_rich_menus, saved_layouts
from application.channels.setting_rich_menus import RichMenusSet, set_rich_menus
from application.ports.clock import Clock
from application.ports.rich_menus import RichMenus, RichMenusRefused
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.errors import DomainError

__all__ = ["LineRefused", "publish_rich_menus"]


class LineRefused(DomainError):
    code = "line_refused"


def publish_rich_menus(*, actor: Actor, menu: Menu, platform: RichMenus | None,
                       uow_factory: Callable[[], UnitOfWork], clock: Clock, web_url: str,
                       procedures: Mapping[str, str]) -> RichMenusSet:
    """`platform` None: LINE is not configured here. A saved layout is checked again first (a
    procedure it starts may have gone since it was saved)."""
    actor.ensure(Permission.ADMINISTER, "LINEのリッチメニューを公開")
    with uow_factory() as uow:
        for audience, saved in saved_layouts(uow).items():
            layout = saved.layout
            try:
                MenuLayout.of(audience, layout.rows, layout.tiles, procedures=procedures)
            except LayoutRefused as refused:
                raise LineRefused(f"{AUDIENCES[audience]}を直してから公開してください。"
                                  f"{refused.message}") from refused
    if platform is None:
        raise LineRefused("LINEが設定されていないため公開できません（LINE のチャネルアクセス"
                          "トークンを設定してください）。保存した配置はそのまま残ります。")
    plans = planned_rich_menus(menu, uow_factory=uow_factory, web_url=web_url)
    try:
        done = set_rich_menus(plans, platform=platform, uow_factory=uow_factory)
    except RichMenusRefused as error:  # refused or not reached: say so, record nothing
        raise LineRefused(f"LINEがリッチメニューを受け付けませんでした（{error.reason}）。"
                          "時間をおいてもう一度お試しください。") from error
    now = clock.now()
    with uow_factory() as uow:
        for saved in saved_layouts(uow).values():
            saved.mark_published(by=actor.id, at=now)
        record(uow, actor, "rich_menu.published", "rich_menu", "line", at=now,
               linked=done.linked, saved=len(saved_layouts(uow)))
        uow.commit()
    return done

