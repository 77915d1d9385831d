"""The LINE rich menus, as the platform keeps them (adapters/line/rich_menus.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from application.channels.rich_menu import RichMenuPlan

__all__ = ["RichMenus"]


class RichMenus(Protocol):
    def install(self, unverified: RichMenuPlan, verified: RichMenuPlan) -> dict[str, str]:
        """Draw and create both menus (replacing earlier ones of the same names), make the
        unverified one the default; the new ids by name."""
        ...

    def link_verified(self, user_ids: Sequence[str]) -> None:
        """Show these LINE users the verified residents' menu."""
        ...
