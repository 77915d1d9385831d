"""The rich menus on LINE through the SDK (`linebot.v3`): create each menu, upload its image (the
api-data host), make the unverified one the default, delete the menus they replace (same name),
point the aliases named as the menus at the new ones, and link verified residents to the
verified one (ADR 0049)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    CreateRichMenuAliasRequest,
    MessagingApi,
    MessagingApiBlob,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuBulkLinkRequest,
    RichMenuRequest,
    RichMenuSize,
    RichMenuSwitchAction,
    UpdateRichMenuAliasRequest,
    URIAction,
)
from urllib3.exceptions import HTTPError

from adapters.line.rich_menu_image import draw_rich_menu
from application.channels.rich_menu import VERIFIED_NAME, RichMenuPlan, Tile
from application.ports.rich_menus import RichMenusRefused

__all__ = ["LineRichMenus", "rich_menu_request"]

BULK = 500  # users per bulk link call


def rich_menu_request(plan: RichMenuPlan) -> RichMenuRequest:
    return RichMenuRequest(
        size=RichMenuSize(width=plan.width, height=plan.height), selected=True, name=plan.name,
        chatBarText=plan.chat_bar_text,
        areas=[RichMenuArea(bounds=RichMenuBounds(x=tile.x, y=tile.y, width=tile.width,
                                                  height=tile.height),
                            action=_action(tile))
               for tile in plan.tiles])


def _action(tile: Tile) -> PostbackAction | URIAction | RichMenuSwitchAction:
    """A postback (the quick reply's data), a URL to open, or LINE's switch to the menu behind
    an alias (LINE then sends a postback with `data` and params.newRichMenuAliasId)."""
    label = tile.label[:20]
    if tile.uri:
        return URIAction(label=label, uri=tile.uri)
    if tile.switch_to:
        return RichMenuSwitchAction(label=label, richMenuAliasId=tile.switch_to, data=tile.data)
    return PostbackAction(label=label, data=tile.data, displayText=tile.label)


@contextmanager
def _refusals() -> Iterator[None]:
    """LINE's refusal, or a LINE not reached, as the port's RichMenusRefused."""
    try:
        yield
    except ApiException as error:
        raise RichMenusRefused(f"HTTP {error.status}") from error
    except (HTTPError, OSError) as error:
        raise RichMenusRefused(type(error).__name__) from error


class LineRichMenus:
    """`linking`: look the verified menu up on LINE to link a resident who verifies (the
    menus were set by another process: LINE_RICH_MENUS=1). Without it, only a process that set
    the menus itself links (`serve --line-sim`), and elsewhere a verification costs no call."""

    def __init__(self, *, access_token: str, base_url: str, data_url: str, linking: bool = False,
                 draw: Callable[[RichMenuPlan], bytes] = draw_rich_menu) -> None:
        self._api = MessagingApi(ApiClient(Configuration(access_token=access_token,
                                                         host=base_url)))
        self._blob = MessagingApiBlob(ApiClient(Configuration(access_token=access_token,
                                                              host=data_url)))
        self._draw, self._linking = draw, linking
        self._verified_id: str | None = None

    def install(self, unverified: RichMenuPlan, verified: RichMenuPlan) -> dict[str, str]:
        with _refusals():
            return self._install(unverified, verified)

    def _install(self, unverified: RichMenuPlan, verified: RichMenuPlan) -> dict[str, str]:
        names = {unverified.name, verified.name}
        old = [menu.rich_menu_id for menu in self._api.get_rich_menu_list().richmenus
               if menu.name in names]
        ids = {}
        for plan in (unverified, verified):
            menu_id = self._api.create_rich_menu(rich_menu_request(plan)).rich_menu_id
            self._blob.set_rich_menu_image(menu_id, self._draw(plan),
                                           _headers={"Content-Type": "image/png"})
            ids[plan.name] = menu_id
        self._api.set_default_rich_menu(ids[unverified.name])
        aliases = {alias.rich_menu_alias_id for alias in
                   self._api.get_rich_menu_alias_list().aliases}
        for name, menu_id in ids.items():  # an alias per menu, for richmenuswitch tiles
            if name in aliases:
                self._api.update_rich_menu_alias(name, UpdateRichMenuAliasRequest(
                    richMenuId=menu_id))
            else:
                self._api.create_rich_menu_alias(CreateRichMenuAliasRequest(
                    richMenuAliasId=name, richMenuId=menu_id))
        for menu_id in old:
            self._api.delete_rich_menu(menu_id)
        self._verified_id = ids[verified.name]
        return ids

    def link_verified(self, user_ids: Sequence[str]) -> None:
        with _refusals():
            self._link_verified(user_ids)

    def _link_verified(self, user_ids: Sequence[str]) -> None:
        menu_id = self._verified_id or (self._find(VERIFIED_NAME) if self._linking else None)
        if menu_id is None:
            return  # no menus set yet (`madoguchi line rich-menu`), or not told they are
        if len(user_ids) == 1:
            self._api.link_rich_menu_id_to_user(user_ids[0], menu_id)
            return
        for start in range(0, len(user_ids), BULK):
            self._api.link_rich_menu_id_to_users(RichMenuBulkLinkRequest(
                richMenuId=menu_id, userIds=list(user_ids[start:start + BULK])))

    def _find(self, name: str) -> str | None:
        try:
            self._verified_id = self._api.get_rich_menu_alias(name).rich_menu_id
        except ApiException as error:
            if error.status != 404:
                raise
        return self._verified_id
