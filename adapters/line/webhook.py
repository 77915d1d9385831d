"""LINE webhooks: verify the signature over the raw body and translate events.

The SDK's `SignatureValidator` checks `X-Line-Signature` (HMAC-SHA256 of the raw body with the
channel secret, compared in constant time). The events a burst is made of (a postback, a text
message, a follow or an unfollow from a resident, in exactly the shape the SDK's models accept)
are read straight from the JSON; any other body is read by the SDK's `WebhookParser`, which
builds typed events, and we translate those. Either way each event becomes the channel-neutral
`InboundEvent`, the same one: the SDK's models validated and built 10–13 % of the webhook's CPU
per event, for events whose shape a few type checks settle (ADR 0079; a test compares the two
readings over every field of those shapes removed, nulled or of another type).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.webhook import SignatureValidator
from linebot.v3.webhooks import (
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from application.channels.inbound import InboundEvent, InboundKind

__all__ = ["InvalidSignature", "LineWebhookParser", "MalformedBody"]


class InvalidSignature(Exception):
    """The body was not signed with our channel secret (or the signature is missing)."""


class MalformedBody(Exception):
    """Signed correctly, but not a webhook body LINE would send."""


class LineWebhookParser:
    def __init__(self, channel_secret: str) -> None:
        self._parser = WebhookParser(channel_secret)
        self._signature = SignatureValidator(channel_secret)

    def parse(self, body: str, signature: str | None) -> list[InboundEvent]:
        if not signature:
            raise InvalidSignature("missing X-Line-Signature")
        if not self._signature.validate(body, signature):
            raise InvalidSignature("bad X-Line-Signature")
        quick = _read_quickly(body)
        return quick if quick is not None else self.parse_with_sdk(body, signature)

    def parse_with_sdk(self, body: str, signature: str) -> list[InboundEvent]:
        """Through the SDK's typed models (any body the quick reading leaves to it)."""
        try:
            events = self._parser.parse(body, signature)
            return [event for event in map(_translate, events) if event is not None]
        except InvalidSignatureError:
            raise InvalidSignature("bad X-Line-Signature") from None
        # Signed yet odd (JSON nested too deep, a timestamp no clock shows): refused, so that
        # it is not an error LINE would redeliver for ever.
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, OSError,
                RecursionError):
            raise MalformedBody("not a LINE webhook body") from None


# LINE's timestamps are milliseconds since the epoch; none is before 2000 or after 2100.
_EARLIEST_MS = 946_684_800_000
_LATEST_MS = 4_102_444_800_000


def _occurred_at(timestamp: object) -> dt.datetime:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int | float) or not (
            _EARLIEST_MS <= timestamp <= _LATEST_MS):
        raise ValueError("the event's timestamp is out of range")
    return dt.datetime.fromtimestamp(timestamp / 1000, dt.UTC)


def _translate(event: object) -> InboundEvent | None:
    source = getattr(event, "source", None)
    event_id = getattr(event, "webhook_event_id", None)
    if not isinstance(source, UserSource) or not source.user_id or not event_id:
        return None  # group and room events are not ours; nor events without an id
    common = {
        "channel": "line",
        "external_id": event_id,
        "address": source.user_id,
        "occurred_at": _occurred_at(getattr(event, "timestamp", None)),
        "reply_token": getattr(event, "reply_token", None),
        "redelivery": bool(getattr(getattr(event, "delivery_context", None), "is_redelivery",
                                   False)),
    }
    if isinstance(event, FollowEvent):
        return InboundEvent(kind=InboundKind.FOLLOW, **common)
    if isinstance(event, UnfollowEvent):
        return InboundEvent(kind=InboundKind.UNFOLLOW, **common)
    if isinstance(event, PostbackEvent):
        return InboundEvent(kind=InboundKind.POSTBACK, data=event.postback.data, **common)
    if isinstance(event, MessageEvent):
        common["read_token"] = getattr(event.message, "mark_as_read_token", None) or None
        if isinstance(event.message, TextMessageContent):
            return InboundEvent(kind=InboundKind.TEXT, text=event.message.text, **common)
        if isinstance(event.message, ImageMessageContent):
            return InboundEvent(kind=InboundKind.IMAGE, image_ref=f"line:{event.message.id}",
                                **common)
        if isinstance(event.message, LocationMessageContent):
            place = event.message  # a pin without an address has its name (title) at most
            return InboundEvent(kind=InboundKind.LOCATION,
                                text=place.address or place.title or "",
                                latitude=place.latitude, longitude=place.longitude, **common)
    return InboundEvent(kind=InboundKind.OTHER, **common)


# The quick reading: each event's keys and what each must be, as the SDK's models require them
# (pydantic's strict types: a str, an int that is not a bool, a bool). Anything else, an extra
# key included, is left to the SDK.
_COMMON = frozenset({"type", "source", "timestamp", "mode", "webhookEventId",
                     "deliveryContext"})
_KEYS = {"postback": _COMMON | {"replyToken", "postback"},
         "message": _COMMON | {"replyToken", "message"},
         "follow": _COMMON | {"replyToken", "follow"},
         "unfollow": _COMMON}
_TEXT_KEYS = frozenset({"type", "id", "text", "quoteToken", "markAsReadToken",
                        "quotedMessageId"})
_MODES = frozenset({"active", "standby"})


def _read_quickly(body: str) -> list[InboundEvent] | None:
    """The delivery's events, when every one has a shape read here; None leaves the body to
    the SDK (which also says what is wrong with a body that is not a webhook)."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return None
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        return None
    read = []
    for event in events:
        inbound = _quick_event(event) if isinstance(event, dict) else None
        if inbound is None:
            return None
        read.append(inbound)
    return read


def _text(value: Any) -> bool:
    return type(value) is str


def _quick_event(event: dict[str, Any]) -> InboundEvent | None:
    kind, source, context = event.get("type"), event.get("source"), event.get("deliveryContext")
    timestamp, event_id = event.get("timestamp"), event.get("webhookEventId")
    if (not _text(kind) or kind not in _KEYS or not event.keys() <= _KEYS[kind]
            or not _text(event.get("mode")) or event["mode"] not in _MODES
            or type(timestamp) is not int
            or not _EARLIEST_MS <= timestamp <= _LATEST_MS or not _text(event_id) or not event_id
            or type(source) is not dict or source.keys() != {"type", "userId"}
            or source["type"] != "user" or not _text(source["userId"]) or not source["userId"]
            or type(context) is not dict or context.keys() != {"isRedelivery"}
            or type(context["isRedelivery"]) is not bool):
        return None
    reply_token = event.get("replyToken")
    if reply_token is not None and not _text(reply_token):
        return None
    common = {"channel": "line", "external_id": event_id, "address": source["userId"],
              "occurred_at": _occurred_at(timestamp), "reply_token": reply_token,
              "redelivery": context["isRedelivery"]}
    if kind == "postback":
        postback = event.get("postback")
        if type(postback) is not dict or postback.keys() != {"data"} or not _text(
                postback["data"]):
            return None
        return InboundEvent(kind=InboundKind.POSTBACK, data=postback["data"], **common)
    if kind == "message":
        return _quick_text(event.get("message"), common)
    if kind == "follow":
        follow = event.get("follow")
        if reply_token is None or type(follow) is not dict or follow.keys() != {
                "isUnblocked"} or type(follow["isUnblocked"]) is not bool:
            return None
        return InboundEvent(kind=InboundKind.FOLLOW, **common)
    return InboundEvent(kind=InboundKind.UNFOLLOW, **common)


def _quick_text(message: Any, common: dict[str, Any]) -> InboundEvent | None:
    if (type(message) is not dict or message.get("type") != "text"
            or not message.keys() <= _TEXT_KEYS
            or not all(_text(message.get(key)) for key in ("id", "text", "quoteToken"))
            or not all(message.get(key) is None or _text(message[key])
                       for key in ("markAsReadToken", "quotedMessageId"))):
        return None
    return InboundEvent(kind=InboundKind.TEXT, text=message["text"],
                        read_token=message.get("markAsReadToken") or None, **common)
