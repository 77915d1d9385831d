"""What a resident sent: a typed message, a tapped button (postback) or a photo."""

from __future__ import annotations

import enum

from attrs import frozen

__all__ = ["Input", "InputKind"]


class InputKind(enum.Enum):
    TEXT = "text"
    POSTBACK = "postback"
    IMAGE = "image"


@frozen
class Input:
    kind: InputKind
    text: str = ""  # the typed message
    data: str = ""  # postback data
    image_ref: str = ""  # an opaque reference to the stored photo (never the bytes)

    @classmethod
    def typed(cls, text: str) -> Input:
        return cls(InputKind.TEXT, text=text)

    @classmethod
    def tapped(cls, data: str) -> Input:
        return cls(InputKind.POSTBACK, data=data)

    @classmethod
    def photo(cls, image_ref: str) -> Input:
        return cls(InputKind.IMAGE, image_ref=image_ref)
