"""The rich menus' wiring beside the container (containers.py is full): which procedures a tile
may start, the plans set on LINE (saved layouts, else derived), and whether LINE is configured
to take them (ADR 0054)."""

from __future__ import annotations

from application.channels.built_procedures import menu_for
from application.channels.menu import Menu
from application.channels.rich_menu import RichMenuPlan
from application.channels.rich_menu_layout import menu_procedures
from application.channels.saved_rich_menus import planned_rich_menus
from application.ports.rich_menus import RichMenus
from entrypoints.config import DEV_LINE_TOKEN
from entrypoints.containers import Container

__all__ = ["line_menu", "line_rich_menus_if_configured", "rich_menu_plans", "rich_menu_procedures",
           "web_channel_url"]

LINE_ITSELF = "https://api.line.me"


def line_menu(container: Container) -> Menu:
    """The chat's menu on LINE: the fixed entries, then the published procedures staff built
    for LINE, in their order (ADR 0055)."""
    return menu_for(container.menu(), container.procedures(), "line")


def rich_menu_procedures(container: Container) -> dict[str, str]:
    """The procedures a tile may start (id → label): the one list the editor, its checks and
    the plans use."""
    return menu_procedures(line_menu(container))


def web_channel_url(container: Container) -> str:
    """The resident web channel's page, for a tile that opens it."""
    return f"{container.config.public_url()}/r/"


def rich_menu_plans(container: Container) -> tuple[RichMenuPlan, RichMenuPlan]:
    return planned_rich_menus(line_menu(container), uow_factory=container.uow,
                              web_url=web_channel_url(container))


def line_rich_menus_if_configured(container: Container) -> RichMenus | None:
    """None where LINE is not configured: LINE itself with the development token (which LINE
    would refuse). The simulator, or a real token, is configured."""
    config = container.config
    if config.line_access_token() == DEV_LINE_TOKEN and \
            config.line_api_base_url().rstrip("/") == LINE_ITSELF:
        return None
    return container.line_rich_menus()
