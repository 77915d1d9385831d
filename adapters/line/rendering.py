"""Rendering-neutral `OutgoingMessage`s as LINE Messaging API message objects (line-bot-sdk v3).

    plain        → TextMessage (a plain message that carries choices gets them as quick replies,
                   so choices are never dropped silently)
    quick_reply  → TextMessage with QuickReply items, each a PostbackAction (a choice whose
                   data is SEND_LOCATION: a LocationAction, LINE's location picker)
    confirm      → TemplateMessage with a ConfirmTemplate (exactly two actions)
    buttons      → FlexMessage: a bubble with the text in its body and 1 to 4 buttons in its footer

LINE's limits are enforced here, where they are known, with a ValueError that names the limit:
at most 5 messages per request, text 1 to 5000 (UTF-16 units, as LINE counts), at most 13 quick
replies (the conversation engine pages long lists itself, so this never paginates), postback
data at most 300, confirm text at most 240. Two limits are met by shortening instead, because
the meaning survives: a label over 20 characters is cut to 19 and "…" (the full label is still
what the resident's message says when tapped: `display_text`), and an alt text over 400 is cut.

A message is split into its *shape* (style, and the kind of each choice) and its strings, checked
here. `render` builds the SDK's models from both; `request_body` builds the JSON of a whole
request once per shape, through the same models and the SDK's own serialiser, and personalises
it by putting each message's strings in their places (a campaign's notices share one shape and
differ in their strings: no model is built or validated per message; ADR 0065).
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from typing import Any

from linebot.v3.messaging import (
    ConfirmTemplate,
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexText,
    LocationAction,
    Message,
    MulticastRequest,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TemplateMessage,
    TextMessage,
    URIAction,
)

from application.ports.messaging import SEND_LOCATION, Choice, MessageStyle, OutgoingMessage

__all__ = [
    "MAX_ALT_TEXT",
    "MAX_BUTTONS",
    "MAX_CONFIRM_TEXT",
    "MAX_DATA",
    "MAX_LABEL",
    "MAX_MESSAGES",
    "MAX_QUICK_REPLIES",
    "MAX_TEXT",
    "render",
    "request_body",
]

MAX_MESSAGES = 5
MAX_TEXT = 5000  # UTF-16 code units
MAX_ALT_TEXT = 400  # UTF-16 code units
MAX_QUICK_REPLIES = 13
MAX_BUTTONS = 4
MAX_CONFIRM_TEXT = 240
MAX_LABEL = 20
MAX_DATA = 300
MAX_DISPLAY_TEXT = 300
MAX_URI = 1000

# A shape: ("text",) or (kind of message, kinds of its choices), as a cache key.
_Shape = tuple[str, ...] | tuple[str, tuple[str, ...]]
_Parts = tuple[_Shape, tuple[str, ...]]
# Each request: its SDK model, the target's field and the target's key in the JSON.
_REQUESTS = {"push": (PushMessageRequest, "to", "to"),
             "multicast": (MulticastRequest, "to", "to"),
             "reply": (ReplyMessageRequest, "reply_token", "replyToken")}
_SLOT = "\x00slot:"  # a placeholder string in a request built once per shape


def render(messages: Sequence[OutgoingMessage]) -> list[Message]:
    """The messages of one request, in order. Raises ValueError when one cannot be sent."""
    return [_build(shape, iter(strings)) for shape, strings in _parts_of(messages)]


def request_body(kind: str, target: str | list[str],
                 messages: Sequence[OutgoingMessage]) -> dict[str, Any]:
    """The JSON body of a push (`target`: a user id), a multicast (a list of them) or a reply
    (a reply token), as the SDK would serialise its request model. Raises ValueError as
    `render` does."""
    parts = _parts_of(messages)
    skeleton = _skeleton(kind, tuple(shape for shape, _ in parts))
    strings = [string for _, each in parts for string in each]
    body: dict[str, Any] = _fill(skeleton, strings)
    body[_REQUESTS[kind][2]] = target
    return body


@functools.lru_cache(maxsize=512)
def _skeleton(kind: str, shapes: tuple[_Shape, ...]) -> dict[str, Any]:
    """The request for these shapes with a placeholder for each string, through the SDK."""
    model, field, _ = _REQUESTS[kind]
    slots = (f"{_SLOT}{n}" for n in itertools.count())
    messages = [_build(shape, slots) for shape in shapes]
    placeholder: str | list[str] = [f"{_SLOT}to"] if kind == "multicast" else f"{_SLOT}to"
    return model(**{field: placeholder, "messages": messages}).to_dict()  # type: ignore[no-any-return]


def _fill(node: Any, strings: list[str]) -> Any:
    if isinstance(node, str):
        return strings[int(node[len(_SLOT):])] if node.startswith(_SLOT) and \
            node[len(_SLOT):].isdigit() else node
    if isinstance(node, dict):
        return {key: _fill(value, strings) for key, value in node.items()}
    if isinstance(node, list):
        return [_fill(value, strings) for value in node]
    return node


def _parts_of(messages: Sequence[OutgoingMessage]) -> list[_Parts]:
    if not messages:
        raise ValueError("nothing to send: a LINE request carries 1 to 5 messages")
    if len(messages) > MAX_MESSAGES:
        raise ValueError(f"{len(messages)} messages: LINE sends at most {MAX_MESSAGES} "
                         "per request")
    return [_parts(message) for message in messages]


def _parts(message: OutgoingMessage) -> _Parts:
    style = message.style
    if style in {MessageStyle.PLAIN, MessageStyle.QUICK_REPLY}:
        return _text(message)
    if style is MessageStyle.CONFIRM:
        return _confirm(message)
    if style is MessageStyle.BUTTONS:
        return _buttons(message)
    raise ValueError(f"unknown message style {style!r}")  # pragma: no cover


def _text(message: OutgoingMessage) -> _Parts:
    _check_text(message.text)
    if not message.choices:
        return ("text",), (message.text,)
    if len(message.choices) > MAX_QUICK_REPLIES:
        raise ValueError(f"{len(message.choices)} quick replies: LINE shows at most "
                         f"{MAX_QUICK_REPLIES} (page the choices before rendering)")
    actions = [(("location",), (_cut(choice.label, MAX_LABEL),))
               if choice.data == SEND_LOCATION else _action(choice)
               for choice in message.choices]
    return _with_actions("quick", (message.text,), actions)


def _confirm(message: OutgoingMessage) -> _Parts:
    if len(message.choices) != 2:
        raise ValueError(f"a confirm message needs exactly 2 choices, not "
                         f"{len(message.choices)}")
    if not message.text:
        raise ValueError("a confirm message needs a text")
    if len(message.text) > MAX_CONFIRM_TEXT:
        raise ValueError(f"confirm text of {len(message.text)} characters: LINE allows "
                         f"{MAX_CONFIRM_TEXT}")
    actions = [_action(choice) for choice in message.choices]
    return _with_actions("confirm", (_alt_text(message), message.text), actions)


def _buttons(message: OutgoingMessage) -> _Parts:
    _check_text(message.text)
    if not 1 <= len(message.choices) <= MAX_BUTTONS:
        raise ValueError(f"a buttons card needs 1 to {MAX_BUTTONS} choices, not "
                         f"{len(message.choices)}")
    actions = [_action(choice) for choice in message.choices]
    return _with_actions("buttons", (_alt_text(message), message.text), actions)


def _with_actions(kind: str, strings: tuple[str, ...],
                  actions: list[tuple[tuple[str], tuple[str, ...]]]) -> _Parts:
    return ((kind, tuple(action_kind for (action_kind,), _ in actions)),
            strings + tuple(string for _, each in actions for string in each))


def _action(choice: Choice) -> tuple[tuple[str], tuple[str, ...]]:
    if choice.url:
        if not choice.url.startswith(("https://", "http://")) or len(choice.url) > MAX_URI:
            raise ValueError(f"a link button needs an http(s) URL of at most {MAX_URI} characters")
        return ("uri",), (_cut(choice.label, MAX_LABEL), choice.url)
    if choice.data == SEND_LOCATION:
        raise ValueError("LINE's location picker is a quick reply only, not a card's button")
    if len(choice.data) > MAX_DATA:
        raise ValueError(f"postback data of {len(choice.data)} characters: LINE allows "
                         f"{MAX_DATA} ({choice.data[:40]!r}…)")
    if not choice.label.strip():
        raise ValueError("a button needs a label")
    shown = _cut(choice.display_text or choice.label, MAX_DISPLAY_TEXT)
    return ("postback",), (_cut(choice.label, MAX_LABEL), choice.data, shown)


def _build(shape: _Shape, strings: Iterator[str]) -> Message:
    """The SDK's model of one message from its shape and its strings (in `_parts`' order)."""
    kind = shape[0]
    if kind == "text":
        return TextMessage(text=next(strings))
    if kind == "quick":
        text = next(strings)
        items = [QuickReplyItem(action=_built_action(action, strings)) for action in shape[1]]
        return TextMessage(text=text, quick_reply=QuickReply(items=items))
    alt_text, text = next(strings), next(strings)
    actions = [_built_action(action, strings) for action in shape[1]]
    if kind == "confirm":
        return TemplateMessage(alt_text=alt_text,
                               template=ConfirmTemplate(text=text, actions=actions))
    buttons = [FlexButton(action=action, style="primary" if index == 0 else "secondary",
                          height="sm")
               for index, action in enumerate(actions)]
    bubble = FlexBubble(
        body=FlexBox(layout="vertical", contents=[FlexText(text=text, wrap=True)]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=buttons),
    )
    return FlexMessage(alt_text=alt_text, contents=bubble)


def _built_action(kind: str, strings: Iterator[str]) -> LocationAction | URIAction | PostbackAction:
    if kind == "location":
        return LocationAction(label=next(strings))
    if kind == "uri":
        return URIAction(label=next(strings), uri=next(strings))
    return PostbackAction(label=next(strings), data=next(strings), display_text=next(strings))


def _check_text(text: str) -> None:
    if not text:
        raise ValueError("a LINE text message cannot be empty")
    if _utf16(text) > MAX_TEXT:
        raise ValueError(f"text of {_utf16(text)} UTF-16 units: LINE allows {MAX_TEXT}")


def _alt_text(message: OutgoingMessage) -> str:
    """Shown in notifications and the chat list; the message text when none was given."""
    text = message.alt_text or message.text
    if _utf16(text) <= MAX_ALT_TEXT:
        return text
    kept, used = [], 0
    for char in text:
        used += _utf16(char)
        if used > MAX_ALT_TEXT - 1:  # room for the "…"
            break
        kept.append(char)
    return "".join(kept) + "…"


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
