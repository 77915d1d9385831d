"""Postal codes (郵便番号): the areas one 7-digit code covers, from Japan Post's data.

A code may cover several towns of one city, or even two cities (498-0000 is in 愛知県 and 三重県),
so a look-up gives every area; an empty town (「以下に掲載がない場合」) means the code covers the
city's places not listed under a code of their own."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

__all__ = ["PostalArea", "PostalCodes"]


@frozen
class PostalArea:
    code: str  # 7 digits: 7191131
    prefecture: str  # 岡山県
    city: str  # 総社市
    town: str  # 中央; "" when the code stands for the rest of the city

    @property
    def text(self) -> str:
        """The address as far as the code says it: 岡山県総社市中央."""
        return f"{self.prefecture}{self.city}{self.town}"


class PostalCodes(Protocol):
    def areas(self, code: str) -> Sequence[PostalArea]:
        """The areas of a 7-digit code (digits only), in the data's order; () when unknown."""
        ...
