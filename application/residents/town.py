"""The town itself (自治体): its prefecture, its city and its 市区町村コード
(全国地方公共団体コード), as the town's settings give them. Matching uses the prefecture and
the city to compare a registry extract's town-relative address (中央一丁目1番1号) with a
card's full one (岡山県総社市中央一丁目1番1号); pages and slips that name the town show them."""

from __future__ import annotations

from attrs import frozen

from application.residents.normalization import PREFECTURES
from domain.errors import InvalidValue

__all__ = ["Town", "check_digit"]

_WEIGHTS = (6, 5, 4, 3, 2)


def check_digit(first_five: str) -> str:
    """The check digit of a 全国地方公共団体コード: the five digits weighted 6, 5, 4, 3, 2,
    summed; 11 less the remainder by 11, its last digit (総社市 33208 → 9, 倉敷市 33202 → 0,
    札幌市中央区 01101 → 1)."""
    total = sum(int(d) * w for d, w in zip(first_five, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


@frozen
class Town:
    """`prefecture` and `city` may both be empty (a town that has not said where it is: its
    addresses are then compared as written, less any prefecture). `code` is the six-digit
    市区町村コード with its check digit, or empty."""

    prefecture: str = ""
    city: str = ""
    code: str = ""

    @classmethod
    def of(cls, *, prefecture: str = "", city: str = "", code: str = "") -> Town:
        prefecture, city, code = prefecture.strip(), city.strip(), code.strip()
        if prefecture and prefecture not in PREFECTURES:
            raise InvalidValue(f"都道府県「{prefecture}」が分かりません（例: 岡山県）。")
        if city and not prefecture:
            raise InvalidValue("市区町村を設定するときは、都道府県も設定してください。")
        if prefecture and not city:
            raise InvalidValue("都道府県を設定するときは、市区町村も設定してください。")
        if code:
            if len(code) != 6 or not code.isascii() or not code.isdigit():
                raise InvalidValue("市区町村コードは6桁の数字です（検査数字を含む。例: 332089）。")
            if check_digit(code[:5]) != code[5]:
                raise InvalidValue(f"市区町村コード「{code}」の検査数字が合いません"
                                   f"（{code[:5]}の検査数字は{check_digit(code[:5])}です）。")
            if not prefecture:
                raise InvalidValue("市区町村コードを設定するときは、都道府県と市区町村も"
                                   "設定してください。")
            expected = f"{PREFECTURES.index(prefecture) + 1:02d}"
            if code[:2] != expected:
                raise InvalidValue(f"市区町村コード「{code}」は{prefecture}のコード"
                                   f"（{expected}で始まる）ではありません。")
        return cls(prefecture=prefecture, city=city, code=code)

    @property
    def known(self) -> bool:
        return bool(self.prefecture and self.city)

    @property
    def full_name(self) -> str:
        """岡山県総社市 (or "" when the town has not said where it is)."""
        return f"{self.prefecture}{self.city}" if self.known else ""

    def full_address(self, text: str) -> str:
        """An address as the card writes it: a town-relative one (中央一丁目1番1号) with this
        town's prefecture and city before it; one that names a prefecture stays as it is."""
        city = self.city.rpartition("郡")[2] or self.city
        if not self.known or text.startswith(PREFECTURES) or city in text[:len(self.city) + 1]:
            return text
        return f"{self.prefecture}{self.city}{text}"
