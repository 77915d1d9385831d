"""LINE webhooks: verify the signature over the raw body and translate events.

The SDK's `WebhookParser` checks `X-Line-Signature` (HMAC-SHA256 of the raw body with the
channel secret, compared in constant time) and builds typed events; we translate each into the
channel-neutral `InboundEvent`.
"""

from __future__ import annotations

import datetime as dt

from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
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

    def parse(self, body: str, signature: str | None) -> list[InboundEvent]:
        if not signature:
            raise InvalidSignature("missing X-Line-Signature")
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
