"""The Messaging API's rich menus, as LINE answers them: create (the request's shape checked:
size, areas inside it, at most 20, chatBarText ≤ 14 characters, postback data ≤ 300), the image
upload on the api-data paths (JPEG or PNG, ≤ 1 MB, the menu's own size, once), the default menu,
per-user links (one, or up to 500 in bulk), aliases, the list and deletion. The phone page asks
which menu a user sees (`shown_to`), and a richmenuswitch tap moves the user to an alias's menu
(`switch`)."""

from __future__ import annotations

import re
import secrets
import struct
import threading
from collections.abc import Iterator
from typing import Any

from attrs import define, field

from adapters.line.simulator.ids import request_id
from adapters.line.simulator.messaging import NOT_FOUND, Answer
from adapters.line.simulator.state import UserDirectory, sniff_image_type
from adapters.line.simulator.validation import Detail, error_body

__all__ = ["RichMenuPlatform"]

MAX_AREAS, MAX_CHAT_BAR, MAX_IMAGE, MAX_BULK = 20, 14, 1024 * 1024, 500
ALIAS_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
ACTIONS = ("postback", "message", "uri", "richmenuswitch", "datetimepicker")


@define(slots=False, eq=False)
class _Menu:
    rich_menu_id: str
    body: dict[str, Any]
    image: tuple[bytes, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return {"richMenuId": self.rich_menu_id, **self.body}


@define(slots=False, eq=False)
class RichMenuPlatform:
    users: UserDirectory
    _menus: dict[str, _Menu] = field(factory=dict)
    _links: dict[str, str] = field(factory=dict)
    _aliases: dict[str, str] = field(factory=dict)
    default_id: str | None = None
    _lock: threading.Lock = field(factory=threading.Lock)

    # the Messaging API

    def create(self, body: object) -> Answer:
        details = list(_validate(body))
        if details:
            return _answer(400, error_body(details))
        menu = _Menu("richmenu-" + secrets.token_hex(16), dict(body))  # type: ignore[call-overload]
        with self._lock:
            self._menus[menu.rich_menu_id] = menu
        return _answer(200, {"richMenuId": menu.rich_menu_id})

    def set_image(self, menu_id: str, data: bytes, content_type: str | None) -> Answer:
        menu = self._menus.get(menu_id)
        if menu is None:
            return _answer(404, NOT_FOUND)
        kind = sniff_image_type(data)
        if kind not in ("image/png", "image/jpeg") or (content_type or kind) != kind:
            return _answer(415, {"message": "Unsupported Media Type"})
        if len(data) > MAX_IMAGE:
            return _answer(400, {"message": "The image is too large (1 MB at most)"})
        size = _image_size(data, kind)
        wanted = (menu.body["size"]["width"], menu.body["size"]["height"])
        if size != wanted:
            return _answer(400, {"message": f"The image size {size} does not match the rich "
                                            f"menu's size {wanted}"})
        with self._lock:
            if menu.image is not None:
                return _answer(400, {"message": "An image has already been uploaded to the "
                                                "richmenu"})
            menu.image = (data, kind)
        return _answer(200, {})

    def image(self, menu_id: str) -> Answer:
        menu = self._menus.get(menu_id)
        if menu is None or menu.image is None:
            return _answer(404, NOT_FOUND)
        return Answer(200, menu.image[0], {"x-line-request-id": request_id()}, menu.image[1])

    def get(self, menu_id: str) -> Answer:
        menu = self._menus.get(menu_id)
        return _answer(200, menu.to_json()) if menu else _answer(404, NOT_FOUND)

    def list(self) -> Answer:
        return _answer(200, {"richmenus": [menu.to_json() for menu in self._menus.values()]})

    def delete(self, menu_id: str) -> Answer:
        with self._lock:
            if self._menus.pop(menu_id, None) is None:
                return _answer(404, NOT_FOUND)
            self._links = {user: linked for user, linked in self._links.items()
                           if linked != menu_id}
            self._aliases = {alias: linked for alias, linked in self._aliases.items()
                             if linked != menu_id}
            if self.default_id == menu_id:
                self.default_id = None
        return _answer(200, {})

    def set_default(self, menu_id: str) -> Answer:
        refusal = self._usable(menu_id)
        if refusal:
            return refusal
        self.default_id = menu_id
        return _answer(200, {})

    def link(self, user_id: str, menu_id: str) -> Answer:
        refusal = self._usable(menu_id)
        if refusal:
            return refusal
        if self.users.get(user_id) is None:
            return _answer(400, {"message": "The user ID is invalid"})
        with self._lock:
            self._links[user_id] = menu_id
        return _answer(200, {})

    def link_many(self, body: object) -> Answer:
        if not isinstance(body, dict) or not isinstance(body.get("userIds"), list) \
                or not 1 <= len(body["userIds"]) <= MAX_BULK:
            return _answer(400, error_body([Detail("userIds",
                                                   f"Size must be between 1 and {MAX_BULK}")]))
        refusal = self._usable(body.get("richMenuId"))
        if refusal:
            return refusal
        with self._lock:  # LINE links them in the background (202); done at once here
            for user_id in body["userIds"]:
                if self.users.get(user_id) is not None:
                    self._links[user_id] = body["richMenuId"]
        return _answer(202, {})

    def linked(self, user_id: str) -> Answer:
        menu_id = self._links.get(user_id)
        return _answer(200, {"richMenuId": menu_id}) if menu_id else _answer(404, NOT_FOUND)

    def create_alias(self, body: object) -> Answer:
        alias_id = body.get("richMenuAliasId") if isinstance(body, dict) else None
        if not isinstance(alias_id, str) or not ALIAS_ID.fullmatch(alias_id):
            return _answer(400, error_body([Detail("richMenuAliasId",
                                                   "Must be 1-32 of A-Z a-z 0-9 _ -")]))
        refusal = self._usable(body.get("richMenuId"))  # type: ignore[union-attr]
        if refusal:
            return refusal
        with self._lock:
            if alias_id in self._aliases:
                return _answer(400, {"message": "conflict richmenu alias id"})
            self._aliases[alias_id] = body["richMenuId"]  # type: ignore[index]
        return _answer(200, {})

    def update_alias(self, alias_id: str, body: object) -> Answer:
        if alias_id not in self._aliases:
            return _answer(404, NOT_FOUND)
        menu_id = body.get("richMenuId") if isinstance(body, dict) else None
        refusal = self._usable(menu_id)
        if refusal:
            return refusal
        with self._lock:
            self._aliases[alias_id] = menu_id  # type: ignore[assignment]
        return _answer(200, {})

    def alias(self, alias_id: str) -> Answer:
        menu_id = self._aliases.get(alias_id)
        if menu_id is None:
            return _answer(404, NOT_FOUND)
        return _answer(200, {"richMenuAliasId": alias_id, "richMenuId": menu_id})

    def aliases(self) -> Answer:
        return _answer(200, {"aliases": [{"richMenuAliasId": alias, "richMenuId": menu_id}
                                         for alias, menu_id in self._aliases.items()]})

    # the phone page

    def switch(self, user_id: str, alias_id: str) -> str:
        """A richmenuswitch tap: show the user the menu behind the alias (their own link, as
        LINE keeps it); the status LINE's postback then carries."""
        with self._lock:
            menu_id = self._aliases.get(alias_id)
            if menu_id is None:
                return "RICHMENU_ALIAS_ID_NOTFOUND"
            if menu_id not in self._menus:
                return "RICHMENU_NOTFOUND"
            self._links[user_id] = menu_id
        return "SUCCESS"

    def shown_to(self, user_id: str) -> dict[str, Any] | None:
        """The menu this user sees (their own link, else the default), with its image; none
        for a user who is not a friend of the account."""
        user = self.users.get(user_id)
        if user is None or not user.following:
            return None
        menu = self._menus.get(self._links.get(user_id) or self.default_id or "")
        return menu.to_json() if menu is not None and menu.image is not None else None

    def _usable(self, menu_id: object) -> Answer | None:
        menu = self._menus.get(menu_id) if isinstance(menu_id, str) else None
        if menu is None:
            return _answer(404, NOT_FOUND)
        if menu.image is None:
            return _answer(400, {"message": "must upload richmenu image before applying it "
                                            "to user"})
        return None


def _answer(status: int, body: dict[str, Any]) -> Answer:
    return Answer(status, body, {"x-line-request-id": request_id()})


def _validate(body: object) -> Iterator[Detail]:
    if not isinstance(body, dict):
        yield Detail("", "The request body is not a JSON object")
        return
    size = body.get("size")
    width = size.get("width") if isinstance(size, dict) else None
    height = size.get("height") if isinstance(size, dict) else None
    if not isinstance(width, int) or not isinstance(height, int) or not 800 <= width <= 2500 \
            or height < 250 or width / height < 1.45:
        yield Detail("size", "Width must be 800 to 2500, height at least 250, and "
                             "width / height at least 1.45")
        width = height = None
    text = body.get("chatBarText")
    if not isinstance(text, str) or not 1 <= len(text) <= MAX_CHAT_BAR:
        yield Detail("chatBarText", f"Length must be between 1 and {MAX_CHAT_BAR}")
    name = body.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 300:
        yield Detail("name", "Length must be between 1 and 300")
    if not isinstance(body.get("selected"), bool):
        yield Detail("selected", "Must be a boolean")
    areas = body.get("areas")
    if not isinstance(areas, list) or not 1 <= len(areas) <= MAX_AREAS:
        yield Detail("areas", f"Size must be between 1 and {MAX_AREAS}")
        return
    for index, area in enumerate(areas):
        yield from _area(area, f"areas[{index}]", width, height)


def _area(area: object, prop: str, width: int | None, height: int | None) -> Iterator[Detail]:
    bounds = area.get("bounds") if isinstance(area, dict) else None
    values = [bounds.get(key) if isinstance(bounds, dict) else None
              for key in ("x", "y", "width", "height")]
    if not all(isinstance(value, int) and value >= 0 for value in values) \
            or not values[2] or not values[3]:
        yield Detail(f"{prop}.bounds", "Must have x, y, width and height")
    elif width is not None and height is not None and (
            values[0] + values[2] > width or values[1] + values[3] > height):
        yield Detail(f"{prop}.bounds", "The area is outside the rich menu")
    action = area.get("action") if isinstance(area, dict) else None
    if not isinstance(action, dict) or action.get("type") not in ACTIONS:
        yield Detail(f"{prop}.action", "Must be a valid action")
    elif action["type"] == "postback" and (not isinstance(action.get("data"), str)
                                           or not 1 <= len(action["data"]) <= 300):
        yield Detail(f"{prop}.action.data", "Length must be between 1 and 300")


def _image_size(data: bytes, kind: str) -> tuple[int, int] | None:
    if kind == "image/png":
        return struct.unpack(">II", data[16:24]) if len(data) >= 24 else None
    index = 2  # JPEG: walk the markers to a start-of-frame
    while index + 9 < len(data):
        if data[index] != 0xFF:
            return None
        marker, length = data[index + 1], int.from_bytes(data[index + 2:index + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5:index + 9])
            return width, height
        index += 2 + length
    return None
