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
"""

from __future__ import annotations

from collections.abc import Sequence

from linebot.v3.messaging import (
    ConfirmTemplate,
    FlexBox,
    FlexBubble,
    FlexButton,
    FlexMessage,
    FlexText,
    LocationAction,
    Message,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
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


def render(messages: Sequence[OutgoingMessage]) -> list[Message]:
    """The messages of one request, in order. Raises ValueError when one cannot be sent."""
    if not messages:
        raise ValueError("nothing to send: a LINE request carries 1 to 5 messages")
    if len(messages) > MAX_MESSAGES:
        raise ValueError(f"{len(messages)} messages: LINE sends at most {MAX_MESSAGES} "
                         "per request")
    return [_render(message) for message in messages]


def _render(message: OutgoingMessage) -> Message:
    style = message.style
    if style in {MessageStyle.PLAIN, MessageStyle.QUICK_REPLY}:
        return _text(message)
    if style is MessageStyle.CONFIRM:
        return _confirm(message)
    if style is MessageStyle.BUTTONS:
        return _buttons(message)
    raise ValueError(f"unknown message style {style!r}")  # pragma: no cover


def _text(message: OutgoingMessage) -> TextMessage:
    _check_text(message.text)
    if not message.choices:
        return TextMessage(text=message.text)
    if len(message.choices) > MAX_QUICK_REPLIES:
        raise ValueError(f"{len(message.choices)} quick replies: LINE shows at most "
                         f"{MAX_QUICK_REPLIES} (page the choices before rendering)")
    items = [QuickReplyItem(action=LocationAction(label=_cut(choice.label, MAX_LABEL))
                            if choice.data == SEND_LOCATION else _action(choice))
             for choice in message.choices]
    return TextMessage(text=message.text, quick_reply=QuickReply(items=items))


def _confirm(message: OutgoingMessage) -> TemplateMessage:
    if len(message.choices) != 2:
        raise ValueError(f"a confirm message needs exactly 2 choices, not "
                         f"{len(message.choices)}")
    if not message.text:
        raise ValueError("a confirm message needs a text")
    if len(message.text) > MAX_CONFIRM_TEXT:
        raise ValueError(f"confirm text of {len(message.text)} characters: LINE allows "
                         f"{MAX_CONFIRM_TEXT}")
    template = ConfirmTemplate(text=message.text,
                               actions=[_action(choice) for choice in message.choices])
    return TemplateMessage(alt_text=_alt_text(message), template=template)


def _buttons(message: OutgoingMessage) -> FlexMessage:
    _check_text(message.text)
    if not 1 <= len(message.choices) <= MAX_BUTTONS:
        raise ValueError(f"a buttons card needs 1 to {MAX_BUTTONS} choices, not "
                         f"{len(message.choices)}")
    buttons = [
        FlexButton(action=_action(choice), style="primary" if index == 0 else "secondary",
                   height="sm")
        for index, choice in enumerate(message.choices)
    ]
    bubble = FlexBubble(
        body=FlexBox(layout="vertical", contents=[FlexText(text=message.text, wrap=True)]),
        footer=FlexBox(layout="vertical", spacing="sm", contents=buttons),
    )
    return FlexMessage(alt_text=_alt_text(message), contents=bubble)


def _action(choice: Choice) -> PostbackAction | URIAction:
    if choice.url:
        if not choice.url.startswith(("https://", "http://")) or len(choice.url) > MAX_URI:
            raise ValueError(f"a link button needs an http(s) URL of at most {MAX_URI} characters")
        return URIAction(label=_cut(choice.label, MAX_LABEL), uri=choice.url)
    if choice.data == SEND_LOCATION:
        raise ValueError("LINE's location picker is a quick reply only, not a card's button")
    if len(choice.data) > MAX_DATA:
        raise ValueError(f"postback data of {len(choice.data)} characters: LINE allows "
                         f"{MAX_DATA} ({choice.data[:40]!r}…)")
    if not choice.label.strip():
        raise ValueError("a button needs a label")
    shown = _cut(choice.display_text or choice.label, MAX_DISPLAY_TEXT)
    return PostbackAction(label=_cut(choice.label, MAX_LABEL), data=choice.data,
                          display_text=shown)


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
