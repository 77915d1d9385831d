"""Reading a REST API request: its JSON body, typed fields and query arguments, each refused
with a clear message (422) when it is missing or of the wrong shape."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request

from entrypoints.web.errors import ApiError

__all__ = ["datetime_field", "field", "int_arg", "json_body", "optional_body",
           "refuse_unstorable_text"]

_UNSTORABLE = ("NUL文字（\\u0000）や対になっていないサロゲート（\\ud800 など）を含む値は"
               "受け付けられません。")


def _unstorable(value: Any) -> bool:
    """Text no database keeps: a NUL (PostgreSQL's text cannot hold one) or a lone surrogate
    (JSON's "\\ud800" alone: not UTF-8 at all)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_unstorable(item) for item in value)
    return False


def refuse_unstorable_text() -> None:
    """Before every /api/v1 request: text no database keeps (`_unstorable`) in the path, a
    query argument or a JSON body is refused (422) rather than failing there as a 500."""
    if not request.path.startswith("/api/v1/"):
        return
    arguments = [text for pair in request.args.items(multi=True) for text in pair]
    if _unstorable(request.path) or _unstorable(arguments):
        raise ApiError(422, "invalid_field", _UNSTORABLE)
    if request.is_json and _unstorable(request.get_json(silent=True)):
        raise ApiError(422, "invalid_field", _UNSTORABLE)


def json_body() -> dict[str, Any]:
    """The request's JSON object: 415 when it is sent as another type, 400 when it is not
    JSON at all or not an object."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "Content-Type: application/json で"
                                                      "JSONオブジェクトを送ってください。")
    body = request.get_json(silent=True)
    if body is None:
        raise ApiError(400, "malformed_json", "JSONとして読めません。形式を確かめてください。")
    if not isinstance(body, dict):
        raise ApiError(400, "bad_request", "JSONオブジェクトを送ってください。")
    return body


def optional_body() -> dict[str, Any]:
    if not request.get_data():
        return {}
    return json_body()


def field(body: dict[str, Any], name: str, kind: type, *, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(422, "missing_field", f"項目「{name}」がありません。")
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ApiError(422, "invalid_field", f"項目「{name}」の型が正しくありません。")
    return value


def datetime_field(body: dict[str, Any], name: str) -> dt.datetime:
    text = field(body, name, str)
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(422, "invalid_field",
                       f"項目「{name}」は ISO 8601 の日時で指定してください。") from None
    if value.tzinfo is None:
        raise ApiError(422, "invalid_field",
                       f"項目「{name}」にはタイムゾーンを含めてください（例: +09:00）。")
    return value


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdecimal() or not low <= int(raw) <= high:
        raise ApiError(422, "invalid_field", f"{name} は {low}〜{high} の整数です。")
    return int(raw)
