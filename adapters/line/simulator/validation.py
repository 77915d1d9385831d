"""The Messaging API's request validation, as far as Madoguchi's messages need it.

Each check yields a `Detail` (the offending property and LINE's wording); the server answers 400
with `{"message": "The request body has N error(s)", "details": [...]}` like the real API.
Text and alt text are counted in UTF-16 code units, as LINE does; labels and template texts in
characters (LINE counts grapheme clusters there, which differs only for combined emoji).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from attrs import frozen

__all__ = ["MAX_MESSAGES", "MULTICAST_MAX", "Detail", "error_body", "validate_messages"]

MAX_MESSAGES = 5
MULTICAST_MAX = 500
QUICK_REPLY_MAX = 13
MESSAGE_TYPES = ("text", "image", "sticker", "template", "flex")
ACTION_TYPES = ("postback", "message", "uri", "datetimepicker", "camera", "cameraRoll",
                "location", "clipboard")
QUICK_REPLY_ONLY = ("camera", "cameraRoll", "location")


@frozen
class Detail:
    property: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"message": self.message, "property": self.property}


def error_body(details: list[Detail]) -> dict[str, Any]:
    return {"message": f"The request body has {len(details)} error(s)",
            "details": [detail.to_json() for detail in details]}


def validate_messages(messages: object) -> list[Detail]:
    if not isinstance(messages, list):
        return [Detail("messages", "Must not be null")]
    if not 1 <= len(messages) <= MAX_MESSAGES:
        return [Detail("messages", f"Size must be between 1 and {MAX_MESSAGES}")]
    details: list[Detail] = []
    for index, message in enumerate(messages):
        details.extend(_message(message, f"messages[{index}]"))
    return details


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _string(value: object, prop: str, low: int, high: int, *, required: bool = True,
            utf16: bool = False) -> Iterator[Detail]:
    if value is None:
        if required:
            yield Detail(prop, "Must not be empty")
        return
    if not isinstance(value, str):
        yield Detail(prop, "Must be a string")
        return
    length = _utf16(value) if utf16 else len(value)
    if not low <= length <= high:
        yield Detail(prop, f"Length must be between {low} and {high}")


def _size(value: object, prop: str, low: int, high: int) -> Iterator[Detail]:
    if not isinstance(value, list):
        yield Detail(prop, "Must not be null")
    elif not low <= len(value) <= high:
        yield Detail(prop, f"Size must be between {low} and {high}")


def _one_of(value: object, prop: str, allowed: tuple[str, ...]) -> Iterator[Detail]:
    if value not in allowed:
        yield Detail(prop, f"Must be one of the following values: [{', '.join(allowed)}]")


def _message(message: object, prop: str) -> Iterator[Detail]:
    if not isinstance(message, dict):
        yield Detail(prop, "Must not be null")
        return
    kind = message.get("type")
    if kind not in MESSAGE_TYPES:
        yield from _one_of(kind, f"{prop}.type", MESSAGE_TYPES)
        return
    if kind == "text":
        yield from _string(message.get("text"), f"{prop}.text", 1, 5000, utf16=True)
    elif kind == "image":
        for key in ("originalContentUrl", "previewImageUrl"):
            yield from _https_url(message.get(key), f"{prop}.{key}", 2000)
    elif kind == "sticker":
        for key in ("packageId", "stickerId"):
            yield from _string(message.get(key), f"{prop}.{key}", 1, 100)
    elif kind == "template":
        yield from _string(message.get("altText"), f"{prop}.altText", 1, 400, utf16=True)
        yield from _template(message.get("template"), f"{prop}.template")
    else:
        yield from _string(message.get("altText"), f"{prop}.altText", 1, 400, utf16=True)
        yield from _flex(message.get("contents"), f"{prop}.contents")
    if message.get("quickReply") is not None:
        yield from _quick_reply(message["quickReply"], f"{prop}.quickReply")


def _https_url(value: object, prop: str, high: int) -> Iterator[Detail]:
    problems = list(_string(value, prop, 1, high))
    yield from problems
    if not problems and not str(value).startswith("https://"):
        yield Detail(prop, "Must be a URL with the https scheme")


def _template(template: object, prop: str) -> Iterator[Detail]:
    if not isinstance(template, dict):
        yield Detail(prop, "Must not be null")
        return
    kind = template.get("type")
    if kind == "confirm":
        yield from _string(template.get("text"), f"{prop}.text", 1, 240)
        yield from _actions(template.get("actions"), f"{prop}.actions", 2, 2)
    elif kind == "buttons":
        short = template.get("title") or template.get("thumbnailImageUrl")
        yield from _string(template.get("title"), f"{prop}.title", 1, 40, required=False)
        yield from _string(template.get("text"), f"{prop}.text", 1, 60 if short else 160)
        yield from _actions(template.get("actions"), f"{prop}.actions", 1, 4)
    elif kind == "carousel":
        columns = template.get("columns")
        problems = list(_size(columns, f"{prop}.columns", 1, 10))
        yield from problems
        if not problems:
            for index, column in enumerate(columns):  # type: ignore[arg-type]
                yield from _column(column, f"{prop}.columns[{index}]")
    else:
        yield from _one_of(kind, f"{prop}.type", ("buttons", "confirm", "carousel"))


def _column(column: object, prop: str) -> Iterator[Detail]:
    if not isinstance(column, dict):
        yield Detail(prop, "Must not be null")
        return
    short = column.get("title") or column.get("thumbnailImageUrl")
    yield from _string(column.get("title"), f"{prop}.title", 1, 40, required=False)
    yield from _string(column.get("text"), f"{prop}.text", 1, 60 if short else 120)
    yield from _actions(column.get("actions"), f"{prop}.actions", 1, 3)


def _actions(actions: object, prop: str, low: int, high: int) -> Iterator[Detail]:
    problems = list(_size(actions, prop, low, high))
    yield from problems
    if not problems:
        for index, action in enumerate(actions):  # type: ignore[arg-type]
            yield from _action(action, f"{prop}[{index}]")


def _action(action: object, prop: str, *, quick_reply: bool = False,
            label_required: bool = True, label_max: int = 20) -> Iterator[Detail]:
    if not isinstance(action, dict):
        yield Detail(prop, "Must not be null")
        return
    kind = action.get("type")
    allowed = ACTION_TYPES if quick_reply else tuple(
        kind for kind in ACTION_TYPES if kind not in QUICK_REPLY_ONLY)
    if kind not in allowed:
        yield from _one_of(kind, f"{prop}.type", allowed)
        return
    yield from _string(action.get("label"), f"{prop}.label", 1, label_max,
                       required=label_required)
    if kind == "postback":
        yield from _string(action.get("data"), f"{prop}.data", 0, 300)
        yield from _string(action.get("displayText"), f"{prop}.displayText", 1, 300,
                           required=quick_reply)
        yield from _string(action.get("text"), f"{prop}.text", 1, 300, required=False)
    elif kind == "message":
        yield from _string(action.get("text"), f"{prop}.text", 1, 300)
    elif kind == "uri":
        yield from _string(action.get("uri"), f"{prop}.uri", 1, 1000)
    elif kind == "datetimepicker":
        yield from _string(action.get("data"), f"{prop}.data", 0, 300)
        yield from _one_of(action.get("mode"), f"{prop}.mode", ("date", "time", "datetime"))
    elif kind == "clipboard":
        yield from _string(action.get("clipboardText"), f"{prop}.clipboardText", 1, 1000)


def _quick_reply(quick_reply: object, prop: str) -> Iterator[Detail]:
    items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
    problems = list(_size(items, f"{prop}.items", 1, QUICK_REPLY_MAX))
    yield from problems
    if problems:
        return
    for index, item in enumerate(items):  # type: ignore[arg-type]
        item_prop = f"{prop}.items[{index}]"
        if not isinstance(item, dict) or item.get("type") != "action":
            yield Detail(f"{item_prop}.type", "Must be one of the following values: [action]")
            continue
        kind = item.get("action", {}).get("type") if isinstance(item.get("action"), dict) else None
        yield from _action(item.get("action"), f"{item_prop}.action", quick_reply=True,
                           label_required=kind not in QUICK_REPLY_ONLY)


def _flex(contents: object, prop: str) -> Iterator[Detail]:
    if not isinstance(contents, dict):
        yield Detail(prop, "Must not be null")
        return
    kind = contents.get("type")
    if kind == "carousel":
        bubbles = contents.get("contents")
        problems = list(_size(bubbles, f"{prop}.contents", 1, 12))
        yield from problems
        if not problems:
            for index, bubble in enumerate(bubbles):  # type: ignore[arg-type]
                yield from _flex_actions(bubble, f"{prop}.contents[{index}]")
    elif kind == "bubble":
        yield from _flex_actions(contents, prop)
    else:
        yield from _one_of(kind, f"{prop}.type", ("bubble", "carousel"))


def _flex_actions(node: object, prop: str) -> Iterator[Detail]:
    """Every action inside a bubble (buttons, boxes, images): checked as elsewhere, except that a
    label is optional and may be up to 40 characters (the Flex limit is unconfirmed)."""
    if isinstance(node, list):
        for index, child in enumerate(node):
            yield from _flex_actions(child, f"{prop}[{index}]")
    elif isinstance(node, dict):
        for key, child in node.items():
            if key == "action" and isinstance(child, dict):
                yield from _action(child, f"{prop}.action", label_required=False,
                                   label_max=40)
            elif isinstance(child, dict | list):
                yield from _flex_actions(child, f"{prop}.{key}")
