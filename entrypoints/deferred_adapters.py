"""The LINE adapters as the container makes them, each module imported when the first one is
made: importing LINE's SDK costs about 0.8 s, which each command that says nothing on LINE
(`keys`, `staff`, `db`, `batch`…) would pay too."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from application.ports.rich_menus import RichMenus

if TYPE_CHECKING:
    from application.channels.rich_menu import RichMenuPlan

__all__ = ["LineChatSignals", "LineContent", "LineMessenger", "LineRichMenus",
           "LineWebhookParser", "RichMenusWhenUsed", "line_data_url"]


def _deferred(module: str, name: str) -> Callable[..., Any]:
    def make(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)
    return make


LineChatSignals = _deferred("adapters.line.chat_signals", "LineChatSignals")
LineContent = _deferred("adapters.line.content", "LineContent")
line_data_url = _deferred("adapters.line.content", "line_data_url")
LineMessenger = _deferred("adapters.line.messenger", "LineMessenger")
LineRichMenus = _deferred("adapters.line.rich_menus", "LineRichMenus")
LineWebhookParser = _deferred("adapters.line.webhook", "LineWebhookParser")


class RichMenusWhenUsed:
    """The rich menus for the message bus (a verified resident's menu is linked on LINE), made
    when first used: every unit of work has the bus, most never link a menu."""

    def __init__(self, make: Callable[[], RichMenus]) -> None:
        self._make = make

    def install(self, unverified: RichMenuPlan, verified: RichMenuPlan) -> dict[str, str]:
        return self._make().install(unverified, verified)

    def link_verified(self, user_ids: Sequence[str]) -> None:
        self._make().link_verified(user_ids)
