"""The rich menu layouts staff saved (table `rich_menu_layouts`, one row per audience), and the
two plans LINE is given: the saved layout of an audience where there is one, the layout derived
from the town's menu (channels/rich_menu.py) otherwise (ADR 0054)."""

from __future__ import annotations

from collections.abc import Callable

from application.channels.menu import Menu
from application.channels.rich_menu import RichMenuPlan, rich_menus
from application.channels.rich_menu_layout import AUDIENCES, SavedRichMenu
from application.ports.unit_of_work import UnitOfWork

__all__ = ["load_saved_layouts", "planned_rich_menus", "saved_layouts"]


def saved_layouts(uow: UnitOfWork) -> dict[str, SavedRichMenu]:
    """The saved layouts by audience (inside `with uow:`)."""
    found = (uow.rich_menu_layouts.get(audience) for audience in AUDIENCES)
    return {saved.audience: saved for saved in found if saved is not None}


def load_saved_layouts(uow_factory: Callable[[], UnitOfWork]) -> dict[str, SavedRichMenu]:
    """The saved layouts by audience, read in a unit of work of their own (for a page)."""
    with uow_factory() as uow:
        return saved_layouts(uow)


def planned_rich_menus(menu: Menu, *, uow_factory: Callable[[], UnitOfWork],
                       web_url: str) -> tuple[RichMenuPlan, RichMenuPlan]:
    """(for residents not verified yet, for verified residents): each the saved layout where
    staff saved one, else the one derived from the menu."""
    with uow_factory() as uow:
        saved = {audience: row.layout for audience, row in saved_layouts(uow).items()}
    derived = dict(zip(AUDIENCES, rich_menus(menu), strict=True))
    plans = [saved[audience].plan(web_url=web_url) if audience in saved else derived[audience]
             for audience in AUDIENCES]
    return plans[0], plans[1]
