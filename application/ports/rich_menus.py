"""The LINE rich menus, as the platform keeps them (adapters/line/rich_menus.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from application.channels.rich_menu import RichMenuPlan

__all__ = ["RichMenus", "RichMenusRefused"]


class RichMenusRefused(Exception):
    """The platform refused the menus or could not be reached; `reason` is short and holds no
    personal data (an HTTP status, an error's kind)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RichMenus(Protocol):
    def install(self, unverified: RichMenuPlan, verified: RichMenuPlan) -> dict[str, str]:
        """Draw and create both menus (replacing earlier ones of the same names), make the
        unverified one the default; the new ids by name. RichMenusRefused when the platform
        refuses or cannot be reached."""
        ...

    def link_verified(self, user_ids: Sequence[str]) -> None:
        """Show these LINE users the verified residents' menu."""
        ...
