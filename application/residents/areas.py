"""The area (町丁目 or 大字) of a registry address, as segments select on it (ADR 0056).

One form for each area however the registry wrote it: 「本町２丁目」「本町二丁目」「本町2丁目」
and 「本町2-3-4」 are all 「本町2丁目」; 「大字上野字中原123番地」 is 「大字上野」. The prefecture
and the town's own name in front are dropped (a registry extract writes addresses relative to
the town, a card's address starts with them). Pure and deterministic.
"""

from __future__ import annotations

import re
import unicodedata

from application.residents.normalization import PREFECTURES

__all__ = ["area_of"]

_NUMERALS = "〇一二三四五六七八九十"
_DIGIT_VALUES = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_PREFECTURE = re.compile("^(?:" + "|".join(PREFECTURES) + ")")
# after a prefecture: a 郡 and its 町/村, or a city (and a ward of a designated city)
_MUNICIPALITY = re.compile(
    r"^(?:[^\d郡]{1,6}郡[^\d]{1,6}?[町村]|[^\d市]{1,6}市(?:[^\d区]{1,6}区)?|[^\d区]{1,5}区)")
_CHOME = re.compile(rf"^(\D*?)([0-9{_NUMERALS}]+)丁目")
_OAZA = re.compile(r"^(.*?大字[^\d字〇一二三四五六七八九十番-]+)")
_BLOCKS = re.compile(r"^(\D+?)(\d+)-\d+-\d+")
_PLACE = re.compile(r"^(\D+?)(?=[0-9〇一二三四五六七八九十]+(?:番|-|$))")
_HYPHENS = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣", "-"))
# 「ー」 is a hyphen only between numbers (2ー3ー4); in a name (グリーンヒル) it is a long vowel
_LONG_VOWEL_HYPHEN = re.compile(r"(?<=\d)ー(?=\d)")


def _number(run: str) -> str:
    """二 → 2, 十二 → 12, 二十 → 20, 12 → 12 (丁目 numbers stay small)."""
    if run.isdigit():
        return str(int(run))
    if "十" not in run:
        return "".join(str(_DIGIT_VALUES[c]) for c in run)
    tens, _, ones = run.partition("十")
    return str((_DIGIT_VALUES[tens] if tens else 1) * 10 + (_DIGIT_VALUES[ones] if ones else 0))


def area_of(address: str, *, town: str = "") -> str:
    """The 町丁目 or 大字 of `address` ("" when none can be read). `town` is the town's own
    name (見本町, 総社市) when known: an address that starts with it is read after it.

    >>> area_of("本町２丁目３番４号"), area_of("本町二丁目3-4"), area_of("本町2-3-4")
    ('本町2丁目', '本町2丁目', '本町2丁目')
    >>> area_of("見本県見本町大字上野字中原123番地", town="見本町")
    '大字上野'
    >>> area_of("岡山県総社市中央一丁目1番1号")
    '中央1丁目'
    """
    text = "".join(unicodedata.normalize("NFKC", address or "").split()).translate(_HYPHENS)
    text = _LONG_VOWEL_HYPHEN.sub("-", text)
    had_prefecture = bool(_PREFECTURE.match(text))
    text = _PREFECTURE.sub("", text, count=1)
    town = "".join(unicodedata.normalize("NFKC", town).split())
    at = text.find(town, 0, len(town) + 8) if town else -1
    if at >= 0 and len(text) > at + len(town):
        text = text[at + len(town):]
    elif had_prefecture:
        text = _MUNICIPALITY.sub("", text, count=1)
    if found := _CHOME.match(text):
        return f"{found[1]}{_number(found[2])}丁目"
    if found := _OAZA.match(text):
        return found[1]
    if found := _BLOCKS.match(text):  # 本町2-3-4: the first of three numbers is the 丁目
        return f"{found[1]}{int(found[2])}丁目"
    if found := _PLACE.match(text):
        return found[1]
    return ""
