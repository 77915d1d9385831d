"""Outgoing messages to and from the JSON kept in the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.ports.messaging import Choice, MessageStyle, OutgoingMessage

__all__ = ["messages_from_json", "messages_to_json"]


def messages_to_json(messages: Sequence[OutgoingMessage]) -> list[dict[str, Any]]:
    return [
        {
            "text": message.text,
            "choices": [{"label": c.label, "data": c.data, "display_text": c.display_text,
                         "url": c.url} for c in message.choices],
            "style": message.style.value,
            "alt_text": message.alt_text,
            # written only when false, so essential messages keep the JSON they always had
            **({} if message.essential else {"essential": False}),
        }
        for message in messages
    ]


def messages_from_json(data: Sequence[dict[str, Any]]) -> list[OutgoingMessage]:
    return [
        OutgoingMessage(
            text=item["text"],
            choices=tuple(Choice(label=c["label"], data=c["data"],
                                 display_text=c.get("display_text", ""), url=c.get("url", ""))
                          for c in item.get("choices", ())),
            style=MessageStyle(item.get("style", MessageStyle.PLAIN.value)),
            alt_text=item.get("alt_text", ""),
            essential=item.get("essential", True),
        )
        for item in data
    ]
