"""How many SMS segments a text takes, and what sending it costs (for every preview).

An SMS carries 140 bytes. Text that fits the GSM 03.38 alphabet (GSM-7) goes 7 bits a
character: 160 characters in one message, 153 per part once it is split (each part keeps 6
bytes for the header that joins them); the extension table's characters (^ { } \\ [ ~ ] | €)
take two. Anything else, Japanese included, goes as UCS-2: 70 characters in one message, 67 per
part, and a character outside the Basic Multilingual Plane (most emoji, some rare kanji) takes
two, as a surrogate pair. Providers bill per part.
"""

from __future__ import annotations

import math

from attrs import frozen

__all__ = ["SegmentCount", "count_segments", "sms_cost_yen"]

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
_LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


@frozen
class SegmentCount:
    encoding: str  # GSM-7 or UCS-2
    units: int  # septets (GSM-7) or 16-bit code units (UCS-2)
    segments: int  # 0 for an empty text

    @property
    def per_segment(self) -> int:
        """How many units each part holds (one part: 160 / 70; split: 153 / 67)."""
        single, split = _LIMITS[self.encoding]
        return single if self.segments <= 1 else split


def count_segments(text: str) -> SegmentCount:
    if all(char in _GSM_BASIC or char in _GSM_EXTENSION for char in text):
        encoding = "GSM-7"
        units = sum(2 if char in _GSM_EXTENSION else 1 for char in text)
    else:
        encoding = "UCS-2"
        units = sum(2 if ord(char) > 0xFFFF else 1 for char in text)
    single, split = _LIMITS[encoding]
    if units == 0:
        segments = 0
    elif units <= single:
        segments = 1
    else:
        segments = math.ceil(units / split)
    return SegmentCount(encoding, units, segments)


def sms_cost_yen(text: str, *, yen_per_segment: float, recipients: int = 1) -> int:
    """The estimate for sending `text` to `recipients` numbers, rounded up to the yen."""
    return math.ceil(count_segments(text).segments * yen_per_segment * recipients)
