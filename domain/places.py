"""A place a resident points at (場所): a broken road, a fallen tree. A point on the map
(latitude and longitude), an address as they typed or as their phone named it, or both.

No geocoding: a typed address is kept as typed. A point must lie within Japan's rough bounds
(latitude 20–46, longitude 122–154), so a phone's GPS slip or a point abroad is refused in
Japanese and asked again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from attrs import frozen

from domain.errors import InvalidValue

__all__ = ["JAPAN_LATITUDE", "JAPAN_LONGITUDE", "MAX_ADDRESS_LENGTH", "Place"]

JAPAN_LATITUDE = (20.0, 46.0)
JAPAN_LONGITUDE = (122.0, 154.0)
MAX_ADDRESS_LENGTH = 200
_DECIMALS = 6  # about 10 cm: more than any phone knows
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

OUTSIDE_JAPAN = "日本国内の場所を送ってください（送られた位置は日本の外になっています）。"
NOTHING_GIVEN = "場所の住所を入力するか、位置情報を送ってください。"
HALF_A_POINT = "緯度と経度は両方そろえて送ってください。"


@frozen
class Place:
    latitude: float | None
    longitude: float | None
    address: str

    @classmethod
    def of(cls, *, latitude: float | None = None, longitude: float | None = None,
           address: str | None = "") -> Place:
        """Checks everything: a point in Japan (both coordinates or neither), an address of at
        most 200 characters without control characters, and at least one of the two."""
        text = " ".join((address or "").split())  # one line: a summary shows it
        if len(text) > MAX_ADDRESS_LENGTH:
            raise InvalidValue(f"住所は{MAX_ADDRESS_LENGTH}文字以内で入力してください"
                               f"（いま{len(text)}文字です）。")
        if _CONTROL.search(text):
            raise InvalidValue("使えない制御文字が含まれています。")
        if (latitude is None) != (longitude is None):
            raise InvalidValue(HALF_A_POINT)
        if latitude is None or longitude is None:
            if not text:
                raise InvalidValue(NOTHING_GIVEN)
            return cls(latitude=None, longitude=None, address=text)
        lat, lon = _coordinate(latitude), _coordinate(longitude)
        if not (JAPAN_LATITUDE[0] <= lat <= JAPAN_LATITUDE[1]
                and JAPAN_LONGITUDE[0] <= lon <= JAPAN_LONGITUDE[1]):
            raise InvalidValue(OUTSIDE_JAPAN)
        return cls(latitude=round(lat, _DECIMALS), longitude=round(lon, _DECIMALS), address=text)

    @classmethod
    def typed(cls, text: str) -> Place:
        """An address the resident typed instead of sending a point."""
        return cls.of(address=text)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Place:
        """What `to_dict` kept (an answer read back), checked again."""
        return cls.of(latitude=data.get("latitude"), longitude=data.get("longitude"),
                      address=data.get("address") or "")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able, as a conversation keeps it."""
        return {"latitude": self.latitude, "longitude": self.longitude, "address": self.address}

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def text(self) -> str:
        """How a resident or staff member reads it: the address, else 「緯度…, 経度…」."""
        if self.address:
            return self.address
        return f"緯度{self.latitude}, 経度{self.longitude}"


def _coordinate(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value):
        raise InvalidValue("緯度・経度は数字で送ってください。")
    return float(value)
