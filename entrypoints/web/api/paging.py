"""Cursor pagination of the API's lists (ADR 0072): `?limit=&cursor=`, the answer's
`next_cursor` (null on the last page). A cursor is opaque to the caller: the key of the last
item of the page in the list's stable order, encoded; the next page starts after that key, so
items added or removed meanwhile neither repeat nor skip the others. A cursor that cannot be
read is a 422 in the one error shape."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from attrs import frozen
from flask import request

from entrypoints.web.api.reading import int_arg
from entrypoints.web.errors import ApiError

__all__ = ["MAX_LIMIT", "PAGE_PARAMETERS", "Page", "cursor_of", "fetched", "page_args",
           "timestamp_after"]

T = TypeVar("T")
DEFAULT_LIMIT, MAX_LIMIT = 100, 500
MAX_CURSOR = 512  # characters: every key the lists use fits in far fewer
_VERSION = 1

PAGE_PARAMETERS: list[dict[str, Any]] = [
    {"name": "limit", "in": "query", "description": "1ページの件数（既定 100）",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT}},
    {"name": "cursor", "in": "query", "description": "前のページの next_cursor（最初の"
                                                    "ページでは省略）。中身は不透明です",
     "schema": {"type": "string", "maxLength": MAX_CURSOR}},
]


@frozen
class Page:
    limit: int
    after: tuple[Any, ...] | None  # the key of the last item of the page before


def page_args(list_name: str, *kinds: type) -> Page:
    """The page the request asks for in list `list_name`, whose keys are of `kinds` (a cursor
    of another list, or of another shape, is refused: it would silently page wrongly)."""
    limit = int_arg("limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    raw = request.args.get("cursor")
    if raw is None or raw == "":
        return Page(limit, None)
    try:
        if len(raw) > MAX_CURSOR:
            raise ValueError
        padded = raw + "=" * (-len(raw) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
        if (not isinstance(decoded, dict) or decoded.get("v") != _VERSION
                or decoded.get("l") != list_name or not isinstance(decoded.get("k"), list)
                or len(decoded["k"]) != len(kinds)
                or not all(type(k) is kind for k, kind in zip(decoded["k"], kinds, strict=True))
                or not all(_storable(k) for k in decoded["k"] if isinstance(k, str))):
            raise ValueError
    except (ValueError, UnicodeError, TypeError):
        raise ApiError(422, "invalid_cursor", "cursor が正しくありません。前のページの "
                                              "next_cursor をそのまま指定してください。") from None
    return Page(limit, tuple(decoded["k"]))


def _storable(text: str) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (not UTF-8 at all)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def timestamp_after(key: tuple[Any, ...]) -> tuple[dt.datetime, str]:
    """A (timestamp in ISO 8601, id) cursor key as the query compares it."""
    at = dt.datetime.fromisoformat(key[0])
    if at.tzinfo is None:
        raise ValueError("a naive timestamp")
    return at, key[1]


def fetched(list_name: str, page: Page, fetch: Callable[[int, Any], Sequence[T]],
            key: Callable[[T], tuple[Any, ...]],
            after: Callable[[tuple[Any, ...]], Any] = lambda k: k) -> tuple[list[T], str | None]:
    """One page read by the list's own keyset query, `fetch(limit, after)` (ordered by `key`),
    asked for one item more than the page to know whether another page follows; `after` turns
    the cursor's key into what the query compares."""
    try:
        start = None if page.after is None else after(page.after)
    except (ValueError, TypeError, IndexError):
        raise ApiError(422, "invalid_cursor", "cursor が正しくありません。") from None
    found = list(fetch(page.limit + 1, start))
    shown = found[:page.limit]
    more = len(found) > page.limit
    return shown, cursor_of(list_name, key(shown[-1])) if more and shown else None


def cursor_of(list_name: str, key: tuple[Any, ...]) -> str:
    text = json.dumps({"v": _VERSION, "l": list_name, "k": list(key)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode("ascii").rstrip("=")
