"""The `PostalCodes` port over Japan Post's 郵便番号データ in its KEN_ALL.CSV form: CP932, no
header, 15 columns per row; column 3 is the 7-digit code, columns 7, 8 and 9 the prefecture,
city and town in kanji. Read once, on first use, never at import.

The data's own conventions, cleaned here: 「以下に掲載がない場合」 and 「…の次に番地がくる場合」
mean no town (the code covers the rest of the city), as does 「…一円」 (the whole place); a
parenthesis (「大通西（１～１９丁目）」, 「丸の内（次のビルを除く）」) narrows the town and is
dropped; a town longer than the row allows goes on over the next rows of the same code until
its parenthesis closes. Identical areas of one code are kept once.

Without MADOGUCHI_POSTAL_CODES_FILE the bundled excerpt is read (`ken_all_excerpt.csv`: the
demo town 岡山県総社市 and a few codes the tests use); a town sets the full KEN_ALL.CSV.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from application.ports.postal_codes import PostalArea

__all__ = ["BUNDLED", "KenAllPostalCodes", "read_ken_all"]

BUNDLED = Path(__file__).with_name("ken_all_excerpt.csv")
_NO_TOWN = ("以下に掲載がない場合",)
_NO_TOWN_ENDINGS = ("の次に番地がくる場合",)


class KenAllPostalCodes:
    def __init__(self, path: str | Path | None = None) -> None:
        self._path = Path(path) if path else BUNDLED
        self._lock = threading.Lock()
        self._by_code: dict[str, tuple[PostalArea, ...]] | None = None

    def areas(self, code: str) -> tuple[PostalArea, ...]:
        return self._loaded().get(code, ())

    def _loaded(self) -> dict[str, tuple[PostalArea, ...]]:
        with self._lock:
            if self._by_code is None:
                with self._path.open(encoding="cp932", newline="") as file:
                    self._by_code = read_ken_all(csv.reader(file))
            return self._by_code


def read_ken_all(rows: Iterable[list[str]]) -> dict[str, tuple[PostalArea, ...]]:
    """Every code's areas, in the data's order."""
    by_code: dict[str, list[PostalArea]] = {}
    for area in _areas(rows):
        kept = by_code.setdefault(area.code, [])
        if area not in kept:
            kept.append(area)
    return {code: tuple(areas) for code, areas in by_code.items()}


def _areas(rows: Iterable[list[str]]) -> Iterator[PostalArea]:
    pending: list[str] | None = None  # a row whose town goes on over the next rows
    for row in rows:
        if len(row) < 9 or not row[2].strip().isdigit():
            continue
        if pending is not None and row[2] == pending[2]:
            pending = [*pending[:8], pending[8] + row[8]]
        else:
            if pending is not None:  # never closed: what there is
                yield _area(pending)
            pending = row
        if pending[8].count("（") <= pending[8].count("）"):
            yield _area(pending)
            pending = None
    if pending is not None:
        yield _area(pending)


def _area(row: list[str]) -> PostalArea:
    return PostalArea(code=row[2].strip(), prefecture=row[6].strip(), city=row[7].strip(),
                      town=_town(row[8].strip()))


def _town(town: str) -> str:
    town = town.split("（", 1)[0]
    if town in _NO_TOWN or town.endswith(_NO_TOWN_ENDINGS) \
            or (town.endswith("一円") and town != "一円"):
        return ""
    return town
