"""An in-memory `PostalCodes` (the port of application/ports/postal_codes.py) for unit tests:
the same areas as the bundled KEN_ALL excerpt, so both pass one contract test."""

from __future__ import annotations

from collections.abc import Iterable

from application.ports.postal_codes import PostalArea

__all__ = ["EXCERPT_AREAS", "FakePostalCodes"]

EXCERPT_AREAS = (
    PostalArea("0600000", "北海道", "札幌市中央区", ""),
    PostalArea("0600042", "北海道", "札幌市中央区", "大通西"),
    PostalArea("1000001", "東京都", "千代田区", "千代田"),
    PostalArea("1000005", "東京都", "千代田区", "丸の内"),
    PostalArea("4980000", "愛知県", "弥富市", ""),
    PostalArea("4980000", "三重県", "桑名郡木曽岬町", ""),
    PostalArea("7191131", "岡山県", "総社市", "中央"),
    PostalArea("7191136", "岡山県", "総社市", "駅前"),
)


class FakePostalCodes:
    def __init__(self, areas: Iterable[PostalArea] = EXCERPT_AREAS) -> None:
        self._areas = tuple(areas)

    def areas(self, code: str) -> tuple[PostalArea, ...]:
        return tuple(area for area in self._areas if area.code == code)
