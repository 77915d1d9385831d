"""`madoguchi line rich-menu`, the demo's start-up and staff's 公開: have both rich menus (as
saved_rich_menus.planned_rich_menus lays them out) drawn and set on LINE, and link every
verified resident who follows the account to the verified one again (a replaced menu takes its
links with it)."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from application.channels.rich_menu import RichMenuPlan
from application.ports.rich_menus import RichMenus
from application.ports.unit_of_work import UnitOfWork

__all__ = ["RichMenusSet", "set_rich_menus"]

PAGE = 500  # LINE links at most 500 users a call


@frozen
class RichMenusSet:
    menu_ids: dict[str, str]
    linked: int  # verified residents linked to the verified menu


def set_rich_menus(plans: tuple[RichMenuPlan, RichMenuPlan], *, platform: RichMenus,
                   uow_factory: Callable[[], UnitOfWork]) -> RichMenusSet:
    """`plans`: (for residents not verified yet, for verified residents)."""
    unverified, verified = plans
    ids = platform.install(unverified, verified)
    linked, after = 0, ""
    while True:
        with uow_factory() as uow:  # a short read per page: no transaction held over a call
            page = list(uow.channel_identities.following("line", after=after, limit=PAGE))
        if not page:
            break
        after = page[-1].id
        user_ids = [identity.address for identity in page if identity.resident_id is not None]
        if user_ids:
            platform.link_verified(user_ids)
            linked += len(user_ids)
    return RichMenusSet(ids, linked)
