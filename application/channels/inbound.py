"""An inbound event from any channel, in one shape (the channel adapter translates to it)."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
from attrs import frozen

__all__ = ["InboundEvent", "InboundKind"]


class InboundKind(enum.Enum):
    FOLLOW = "follow"  # added the account as a friend (or unblocked it)
    UNFOLLOW = "unfollow"  # blocked the account
    TEXT = "text"
    IMAGE = "image"
    POSTBACK = "postback"  # tapped a button we sent
    LOCATION = "location"  # sent a place (LINE's location message, the web page's form)
    OTHER = "other"  # anything else (stickers, …): acknowledged, answered with the menu


@frozen
class InboundEvent:
    channel: str
    external_id: str  # unique per channel (LINE's webhookEventId): the de-duplication key
    address: str  # who sent it (LINE user id)
    kind: InboundKind
    occurred_at: dt.datetime
    text: str = ""  # the typed message; for a location, its address (or the place's name)
    data: str = ""  # postback data
    image_ref: str = ""  # where the channel keeps the image (e.g. line:<message id>)
    latitude: float | None = None  # a location's point, when it has one
    longitude: float | None = None
    reply_token: str | None = None
    # a message's token for marking it read (LINE's markAsReadToken, ADR 0051); None elsewhere
    read_token: str | None = None
    redelivery: bool = False
    # when the town stored it (the inbox row's received_at): its reply token's age counts from it
    received_at: dt.datetime | None = None

    def to_record(self) -> dict[str, Any]:
        """The event as plain JSON values: the inbox keeps it (encrypted) until it is handled.
        Every field is a plain value, so each is read as it is (`attrs.asdict`, which looks
        into each for nested classes and collections, was a seventh of the webhook's request,
        ADR 0079); `received_at` is the row's own column."""
        record = {name: getattr(self, name) for name in _RECORDED}
        record["kind"], record["occurred_at"] = self.kind.value, self.occurred_at.isoformat()
        return record

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> InboundEvent:
        known = {f.name for f in attrs.fields(cls)}
        values = {k: v for k, v in record.items() if k in known}
        return cls(**{**values, "kind": InboundKind(record["kind"]),
                      "occurred_at": dt.datetime.fromisoformat(record["occurred_at"])})


_RECORDED = tuple(field.name for field in attrs.fields(InboundEvent)
                  if field.name != "received_at")
