"""What a resident sent: a typed message, a tapped button (postback), a photo or a place."""

from __future__ import annotations

import enum

from attrs import frozen

__all__ = ["Input", "InputKind"]


class InputKind(enum.Enum):
    TEXT = "text"
    POSTBACK = "postback"
    IMAGE = "image"
    LOCATION = "location"  # a point on the map and/or an address (LINE's location message)


@frozen
class Input:
    kind: InputKind
    text: str = ""  # the typed message; for a location, its address (or its name)
    data: str = ""  # postback data
    image_ref: str = ""  # an opaque reference to the stored photo (never the bytes)
    latitude: float | None = None  # a location's point, when it has one
    longitude: float | None = None

    @classmethod
    def typed(cls, text: str) -> Input:
        return cls(InputKind.TEXT, text=text)

    @classmethod
    def tapped(cls, data: str) -> Input:
        return cls(InputKind.POSTBACK, data=data)

    @classmethod
    def photo(cls, image_ref: str) -> Input:
        return cls(InputKind.IMAGE, image_ref=image_ref)

    @classmethod
    def located(cls, latitude: float | None, longitude: float | None,
                address: str = "") -> Input:
        return cls(InputKind.LOCATION, text=address, latitude=latitude, longitude=longitude)
