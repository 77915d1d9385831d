"""One row of the resident registry extract (住民基本台帳), read and checked.

The file: CSV (read by `adapters/csv_io.py`: CP932 or UTF-8 with or without BOM, CRLF or LF),
one row per person, a header row first. Header names in Japanese; the English aliases in
`COLUMNS` are accepted too. Columns in any order; unknown columns are ignored.

- 宛名番号 (resident_number), required: half-width letters and digits (full-width are read as
  half-width), at most 20, unique in the file. Leading zeros count: keep the column as text
  in Excel, which otherwise drops them.
- 世帯番号 (household_number), required: letters and digits, as 宛名番号.
- 続柄 (relationship), required: as the registry writes it; 世帯主 marks the head. Among the
  住民 rows of a household, exactly one is the head.
- 氏名 (name), required. 氏名カナ or フリガナ (kana), optional: katakana, hiragana or half-width.
- 生年月日 (date_of_birth), required: 1985-04-01, 1985/4/1, 1985年4月1日, 19850401,
  昭和60年4月1日, S60.4.1, 平成元年1月8日; not in the future.
- 性別 (sex), required: 男 / 女 / 1 / 2.
- 住所 (address), required; in full or relative to the town (中央一丁目1番1号), as extracts
  write it, once the town's prefecture and city are set (MADOGUCHI_TOWN_PREFECTURE, _CITY).
  郵便番号 (postal_code), optional: 7 digits, hyphen allowed.
- 異動区分 or 状態 (status), optional: empty, 住民 (also 転入, 転居, 出生) / 転出 / 死亡.

Cells are stripped, and a line break inside a cell (Alt+Enter in Excel) is read as a space.
Only 住民 rows are members of a household; a 転出 or 死亡 row updates the person and takes them
out of their household. `parse_row` reads one row into a `RegistryRow` or `RowError`s; after all
rows, `RegistryFileCheck` finds what only the whole file shows (a resident number twice, a
household without a head or with two).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen

from domain.errors import InvalidValue
from domain.residents import PersonalFacts, RegistryStatus
from domain.values import Address, DateOfBirth, PersonName, Sex

__all__ = [
    "COLUMNS",
    "EXTRA_CELLS",
    "HEAD",
    "REQUIRED",
    "RegistryRow",
    "RowError",
    "Seen",
    "is_head",
    "label",
    "parse_registry_date",
    "parse_row",
    "seen_of",
]

COLUMNS: dict[str, tuple[str, ...]] = {
    "resident_number": ("宛名番号", "resident_number", "resident_no"),
    "household_number": ("世帯番号", "household_number", "household_no"),
    "relationship": ("続柄", "relationship"),
    "name": ("氏名", "name"),
    "kana": ("氏名カナ", "フリガナ", "kana", "name_kana"),
    "date_of_birth": ("生年月日", "date_of_birth", "birth_date", "birthday"),
    "sex": ("性別", "sex", "gender"),
    "address": ("住所", "address"),
    "postal_code": ("郵便番号", "postal_code", "zip_code"),
    "status": ("異動区分", "状態", "status"),
}
REQUIRED = frozenset({"resident_number", "household_number", "relationship", "name",
                      "date_of_birth", "sex", "address"})
EXTRA_CELLS = "_extra"  # where the CSV reader puts cells that have no header (a shifted row)
HEAD = "世帯主"

_NUMBER = re.compile(r"[0-9A-Za-z]{1,20}")
_STATUS = {
    **dict.fromkeys(("", "住民", "在住", "現住", "転入", "転居", "出生", "resident"),
                    RegistryStatus.RESIDENT),
    **dict.fromkeys(("転出", "国外転出", "moved_out"), RegistryStatus.MOVED_OUT),
    **dict.fromkeys(("死亡", "deceased"), RegistryStatus.DECEASED),
}


def label(field: str) -> str:
    """The Japanese header of a field, as messages name it."""
    return COLUMNS[field][0] if field in COLUMNS else "（見出しのない列）"


@frozen
class RowError:
    """What is wrong with a row (or the file, when `row` is None), in words staff act on."""

    row: int | None
    column: str | None  # the column's Japanese header
    message: str

    def __str__(self) -> str:
        where = f"{self.row}行目" if self.row is not None else ""
        if self.column:
            where += f"「{self.column}」"
        return f"{where}: {self.message}" if where else self.message


@frozen
class RegistryRow:
    row: int
    resident_number: str
    household_number: str
    relationship: str
    facts: PersonalFacts
    status: RegistryStatus

    @property
    def is_head(self) -> bool:
        return self.status is RegistryStatus.RESIDENT and is_head(self.relationship)


# -- reading cells --------------------------------------------------------------------------------


_LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


def _text(cells: Mapping[str, Any], field: str) -> str:
    """The cell, stripped; a line break inside it (Alt+Enter in Excel) read as a space."""
    value = cells.get(field)
    if not isinstance(value, str):
        return ""
    value = value.strip()
    return _LINE_BREAK.sub(" ", value) if "\n" in value or "\r" in value else value


def _number(raw: str, what: str) -> str:
    value = unicodedata.normalize("NFKC", raw).strip()
    if not _NUMBER.fullmatch(value):
        raise InvalidValue(f"「{raw}」は{what}として使えません（半角の英数字20文字以内）。")
    return value


@functools.lru_cache(maxsize=256)  # a registry writes a few relationships, a million times
def is_head(relationship: str) -> bool:
    """Whether this 続柄 is the household's head (世帯主)."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", relationship)) in {HEAD, "head"}


def _status(raw: str) -> RegistryStatus:
    key = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).casefold()
    if key not in _STATUS:
        raise InvalidValue(f"「{raw}」は異動区分として読み取れません（住民・転出・死亡のいずれか、"
                           "または空欄）。")
    return _STATUS[key]


# (name, initial, first day); year N of an era is first_day.year + N - 1, and 元年 is year 1.
_ERAS = {
    key: (name, first)
    for name, initial, first in (
        ("令和", "R", dt.date(2019, 5, 1)), ("平成", "H", dt.date(1989, 1, 8)),
        ("昭和", "S", dt.date(1926, 12, 25)), ("大正", "T", dt.date(1912, 7, 30)),
        ("明治", "M", dt.date(1868, 1, 25)))
    for key in (name, initial)
}
_WESTERN = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?|([0-9]{4})([0-9]{2})"
                      r"([0-9]{2})")
_ERA = re.compile(r"(令和|平成|昭和|大正|明治|[RHSTM])(元|[0-9]{1,2})[-/.年]([0-9]{1,2})[-/.月]"
                  r"([0-9]{1,2})日?")


def parse_registry_date(raw: str) -> dt.date:
    """1985-04-01, 1985/4/1, 1985年4月1日, 19850401, 昭和60年4月1日, S60.4.1, 平成元年1月8日
    (full-width digits too). Raises `InvalidValue` saying what is wrong."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()
    if match := _WESTERN.fullmatch(text):
        year, month, day = (int(part) for part in match.groups() if part is not None)
        return _existing(year, month, day, raw)
    if not (match := _ERA.fullmatch(text)):
        raise InvalidValue(f"「{raw}」を日付として読み取れません（例: 1985-04-01、19850401、"
                           "昭和60年4月1日、S60.4.1）。")
    name, first_day = _ERAS[match[1]]
    year_in_era = 1 if match[2] == "元" else int(match[2])
    if year_in_era < 1:
        raise InvalidValue(f"{raw} は存在しない日付です（{name}は元年＝1年から数えます）。")
    day = _existing(first_day.year + year_in_era - 1, int(match[3]), int(match[4]), raw)
    if day < first_day:
        raise InvalidValue(f"{raw} は存在しない日付です（{name}は{first_day.year}年"
                           f"{first_day.month}月{first_day.day}日からです）。")
    return day


def _existing(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidValue(f"{raw} は存在しない日付です。") from None


# -- one row ------------------------------------------------------------------------------------


def parse_row(row: int, cells: Mapping[str, Any], *,
              today: dt.date) -> RegistryRow | list[RowError]:
    """Read one row: a `RegistryRow`, or every problem found in it (all columns are checked, so
    staff fix a row once)."""
    errors: list[RowError] = []
    extra = cells.get(EXTRA_CELLS)
    if extra:
        errors.append(RowError(row, None, f"見出しのない列に値があります（{len(extra)}個）。"
                               "住所などに「,」を含むときは「\"」で囲んでください。"))
    resident_number = _read(errors, row, cells, "resident_number", _resident_number)
    household_number = _read(errors, row, cells, "household_number", _household_number)
    relationship = _read(errors, row, cells, "relationship", str)
    name = _pair(errors, row, cells, PersonName.of, "name", "kana")
    born = _read(errors, row, cells, "date_of_birth", _date_of_birth)
    if born is not None and born.value > today:
        errors.append(RowError(row, label("date_of_birth"), "生年月日が未来の日付になっています。"))
    sex = _read(errors, row, cells, "sex", Sex.parse)
    address = _pair(errors, row, cells, Address.of, "address", "postal_code")
    status = _read(errors, row, cells, "status", _status, required=False)
    if errors:
        return sorted(errors, key=lambda error: _ORDER.get(error.column, -1))
    return RegistryRow(row=row, resident_number=resident_number,
                       household_number=household_number, relationship=relationship,
                       facts=PersonalFacts(name=name, address=address, date_of_birth=born,
                                           sex=sex),
                       status=status)


_ORDER = {label(field): index for index, field in enumerate(COLUMNS)}


def _read(errors: list[RowError], row: int, cells: Mapping[str, Any], field: str,
          parse: Callable[[str], Any], *, required: bool = True) -> Any:
    raw = _text(cells, field)
    if not raw and required:
        errors.append(RowError(row, label(field), "空欄です（必須の項目です）。"))
        return None
    try:
        return parse(raw)
    except InvalidValue as error:
        errors.append(RowError(row, label(field), error.message))
        return None


def _pair(errors: list[RowError], row: int, cells: Mapping[str, Any],
          build: Callable[[str, str | None], Any], field: str, optional: str) -> Any:
    """A value object of a required cell and an optional one (name and reading, address and
    postal code), built once; when it refuses, each cell is checked alone to name the column."""
    raw, other = _text(cells, field), _text(cells, optional) or None
    if raw:
        try:
            return build(raw, other)
        except InvalidValue:
            pass
        _read(errors, row, cells, field, lambda value: build(value, None))
    else:
        errors.append(RowError(row, label(field), "空欄です（必須の項目です）。"))
    if other is not None:
        _read(errors, row, cells, optional, lambda value: build("-", value))
    return None


def _resident_number(raw: str) -> str:
    return _number(raw, "宛名番号")


def _household_number(raw: str) -> str:
    return _number(raw, "世帯番号")


def _date_of_birth(raw: str) -> DateOfBirth:
    return DateOfBirth(parse_registry_date(raw))


# -- what the whole file's check keeps of a row (registry_file.py) ------------------------------


# what the whole file's check keeps of a row: (row, resident number, household number, 住民,
# head, valid); the numbers None where they cannot be read
Seen = tuple[int, str | None, str | None, bool, bool, bool]


def seen_of(row: int, cells: Mapping[str, Any], parsed: RegistryRow | list[RowError]) -> Seen:
    """What `RegistryFileCheck` needs of a row. Of a row with errors, what can be read is read,
    so one bad cell does not cascade into more errors."""
    if isinstance(parsed, RegistryRow):
        return (row, parsed.resident_number, parsed.household_number,
                parsed.status is RegistryStatus.RESIDENT, parsed.is_head, True)
    try:
        resident = _status(_text(cells, "status")) is RegistryStatus.RESIDENT
    except InvalidValue:
        resident = True
    return (row, _readable(_text(cells, "resident_number")),
            _readable(_text(cells, "household_number")), resident,
            resident and is_head(_text(cells, "relationship")), False)


def _readable(raw: str) -> str | None:
    try:
        return _number(raw, "番号")
    except InvalidValue:
        return None
