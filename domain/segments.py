"""Segments (配信対象の条件): which residents a notice goes to, as a tree of conditions on the
town's own data (ADR 0056), never on LINE's inferred demographics.

A segment is a condition; conditions combine with `All` (すべて), `AnyOf` (いずれか) and `Not`
(除く). Each leaf reads one thing the town holds: the registry (area, age, sex, the household),
the resident's verification and channels, the town's programs, and what residents chose
(interests they subscribed to, the 自治会 they belong to).

Ages are counted at the end of a month (基準月の末日時点の年齢), which the month of birth
decides exactly: the segment table keeps the month, never the date (ADR 0056).

People the registry does not know (a LINE friend who has not verified) have no area, age, sex
or household: a condition on those is *unknown* for them, and unknown stays unknown under
`Not` (as in SQL), so "not in 2丁目" never reaches someone whose address the town does not know.

The JSON form (`to_json` / `from_json`) is what staff's editor sends and what a saved segment
stores:
    {"any": [{"all": [{"age": {"min": 65, "month": "2026-12"}}, {"area": ["本町2丁目"]}]},
             {"interest": "bousai"}]}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

from attrs import field, frozen

from domain.channels import CHANNELS, channel_label
from domain.errors import InvalidValue

__all__ = [
    "MAX_CONDITIONS",
    "Age",
    "All",
    "AnyOf",
    "AppliedTo",
    "Area",
    "Condition",
    "EligibleFor",
    "HasChannel",
    "HouseholdMember",
    "HouseholdSize",
    "Interest",
    "MemberOf",
    "Not",
    "SexIs",
    "Verified",
    "current_month",
    "leaves",
    "month_index",
    "month_of",
    "segment_from_json",
    "segment_to_json",
]

MAX_CONDITIONS = 50  # leaves in one segment: a segment is read by people, not generated
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_MAX_AGE = 130


def month_index(year: int, month: int) -> int:
    """A month as one integer (year * 12 + month - 1), as `resident_profiles.birth_month`."""
    return year * 12 + month - 1


def month_of(text: str) -> int:
    """"2026-12" → its month index; a clear message for anything else."""
    found = _MONTH.match(str(text or ""))
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InvalidValue(f"基準月は「2026-12」の形で入力してください（{text}）。")
    return month_index(int(found.group(1)), int(found.group(2)))


def _month_text(index: int) -> str:
    return f"{index // 12}年{index % 12 + 1}月"


def _age_bound(value: Any, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdecimal():
        raise InvalidValue(f"{what}は0から{_MAX_AGE}までの数で入力してください。")
    number = int(value)
    if number > _MAX_AGE:
        raise InvalidValue(f"{what}は0から{_MAX_AGE}までの数で入力してください。")
    return number


def _range_text(low: int | None, high: int | None, unit: str) -> str:
    if low is not None and high is not None:
        return f"{low}{unit}以上{high}{unit}以下" if low != high else f"{low}{unit}"
    if low is not None:
        return f"{low}{unit}以上"
    return f"{high}{unit}以下"


def _check_range(low: int | None, high: int | None, what: str) -> None:
    if low is None and high is None:
        raise InvalidValue(f"{what}の下限か上限を入力してください。")
    if low is not None and high is not None and low > high:
        raise InvalidValue(f"{what}の下限が上限より大きくなっています。")


@frozen
class Area:
    """住所の町丁目・大字 (as `resident_profiles.area` holds them), any of `areas`."""

    areas: tuple[str, ...] = field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        if not self.areas or any(not str(area).strip() for area in self.areas):
            raise InvalidValue("地域を1つ以上選んでください。")

    def describe(self) -> str:
        return "住所が" + "・".join(self.areas)


@frozen
class Age:
    """年齢 at the end of `month` (a month index), within [minimum, maximum]."""

    month: int
    minimum: int | None = None
    maximum: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_range(self.minimum, self.maximum, "年齢")

    def birth_months(self) -> tuple[int | None, int | None]:
        """The months of birth that satisfy it, inclusive (None: unbounded). Aged at least N at
        the end of month M: born in M - 12N or before; at most N: born after M - 12(N + 1)."""
        latest = None if self.minimum is None else self.month - 12 * self.minimum
        earliest = None if self.maximum is None else self.month - 12 * (self.maximum + 1) + 1
        return earliest, latest

    def describe(self) -> str:
        return f"{_month_text(self.month)}末時点で{_range_text(self.minimum, self.maximum, '歳')}"


@frozen
class SexIs:
    sex: str  # the registry's code: "1" 男, "2" 女

    def __attrs_post_init__(self) -> None:
        if self.sex not in ("1", "2"):
            raise InvalidValue("性別は男か女を選んでください。")

    def describe(self) -> str:
        return "性別が" + ("男" if self.sex == "1" else "女")


@frozen
class HouseholdSize:
    minimum: int | None = None
    maximum: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_range(self.minimum, self.maximum, "世帯の人数")

    def describe(self) -> str:
        return "世帯の人数が" + _range_text(self.minimum, self.maximum, "人")


@frozen
class HouseholdMember:
    """The resident's household has a member aged within [minimum, maximum] at the end of
    `month` (a child under 6: maximum 5; a member over 75: minimum 75)."""

    month: int
    minimum: int | None = None
    maximum: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_range(self.minimum, self.maximum, "世帯員の年齢")

    def birth_months(self) -> tuple[int | None, int | None]:
        return Age(self.month, self.minimum, self.maximum).birth_months()

    def describe(self) -> str:
        ages = _range_text(self.minimum, self.maximum, "歳")
        return f"世帯に{_month_text(self.month)}末時点で{ages}の人がいる"


@frozen
class Verified:
    value: bool = True

    def describe(self) -> str:
        return "本人確認済み" if self.value else "本人確認をしていない"


@frozen
class HasChannel:
    """Reachable on `channel` (an identity that still follows the town)."""

    channel: str

    def __attrs_post_init__(self) -> None:
        if self.channel not in CHANNELS:
            raise InvalidValue(f"連絡手段「{self.channel}」はありません。")

    def describe(self) -> str:
        return f"{channel_label(self.channel)}で連絡できる"


@frozen
class EligibleFor:
    program_id: str

    def describe(self) -> str:
        return f"給付「{self.program_id}」の対象世帯"


@frozen
class AppliedTo:
    program_id: str

    def describe(self) -> str:
        return f"給付「{self.program_id}」に申請済み"


@frozen
class Interest:
    """Subscribed in the chat to the interest `key` (防災, 子育て, …, staff define the list)."""

    key: str

    def describe(self) -> str:
        return f"「{self.key}」のお知らせを希望"


@frozen
class MemberOf:
    association_id: str

    def describe(self) -> str:
        return f"自治会「{self.association_id}」の会員"


@frozen
class All:
    parts: tuple[Condition, ...] = field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        if not self.parts:
            raise InvalidValue("「すべて」には条件を1つ以上入れてください。")

    def describe(self) -> str:
        return "（" + " かつ ".join(part.describe() for part in self.parts) + "）"


@frozen
class AnyOf:
    parts: tuple[Condition, ...] = field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        if not self.parts:
            raise InvalidValue("「いずれか」には条件を1つ以上入れてください。")

    def describe(self) -> str:
        return "（" + " または ".join(part.describe() for part in self.parts) + "）"


@frozen
class Not:
    part: Condition

    def describe(self) -> str:
        return f"{self.part.describe()}を除く"


Condition = (Area | Age | SexIs | HouseholdSize | HouseholdMember | Verified | HasChannel
             | EligibleFor | AppliedTo | Interest | MemberOf | All | AnyOf | Not)


def leaves(condition: Condition) -> Iterator[Condition]:
    """The conditions that read data (not All / AnyOf / Not), depth first."""
    if isinstance(condition, All | AnyOf):
        for part in condition.parts:
            yield from leaves(part)
    elif isinstance(condition, Not):
        yield from leaves(condition.part)
    else:
        yield condition


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidValue(f"{what}を選んでください。")
    return value.strip()


def _ages(body: Any, what: str) -> tuple[int, int | None, int | None]:
    if not isinstance(body, dict):
        raise InvalidValue(f"{what}の条件の形が正しくありません。")
    return (month_of(body.get("month", "")), _age_bound(body.get("min"), f"{what}の下限"),
            _age_bound(body.get("max"), f"{what}の上限"))


def _from_json(data: Any, depth: int) -> Condition:
    if depth > 8:
        raise InvalidValue("条件の入れ子が深すぎます（8段まで）。")
    if not isinstance(data, dict) or len(data) != 1:
        raise InvalidValue("条件の形が正しくありません。")
    [(kind, body)] = data.items()
    if kind in ("all", "any"):
        if not isinstance(body, list):
            raise InvalidValue("条件の形が正しくありません。")
        parts = tuple(_from_json(part, depth + 1) for part in body)
        return All(parts) if kind == "all" else AnyOf(parts)
    if kind == "not":
        return Not(_from_json(body, depth + 1))
    if kind == "area":
        if not isinstance(body, list):
            raise InvalidValue("地域を1つ以上選んでください。")
        return Area(tuple(_text(area, "地域") for area in body))
    if kind == "age":
        month, low, high = _ages(body, "年齢")
        return Age(month, low, high)
    if kind == "household_member":
        month, low, high = _ages(body, "世帯員の年齢")
        return HouseholdMember(month, low, high)
    if kind == "household_size":
        if not isinstance(body, dict):
            raise InvalidValue("世帯の人数の条件の形が正しくありません。")
        return HouseholdSize(_age_bound(body.get("min"), "世帯の人数の下限"),
                             _age_bound(body.get("max"), "世帯の人数の上限"))
    if kind == "sex":
        return SexIs(str(body))
    if kind == "verified":
        if not isinstance(body, bool):
            raise InvalidValue("本人確認の条件の形が正しくありません。")
        return Verified(body)
    simple = {"channel": HasChannel, "eligible": EligibleFor, "applied": AppliedTo,
              "interest": Interest, "association": MemberOf}
    if kind in simple:
        return simple[kind](_text(body, "条件の値"))
    raise InvalidValue(f"条件「{kind}」はありません。")


def segment_from_json(data: Any) -> Condition:
    """Staff's editor's JSON → a condition, or InvalidValue with what to fix (in Japanese)."""
    condition = _from_json(data, 0)
    if sum(1 for _ in leaves(condition)) > MAX_CONDITIONS:
        raise InvalidValue(f"条件は{MAX_CONDITIONS}個までです。")
    return condition


def _month_json(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _range_json(low: int | None, high: int | None) -> dict[str, Any]:
    return {key: value for key, value in (("min", low), ("max", high)) if value is not None}


def segment_to_json(condition: Condition) -> dict[str, Any]:
    """The inverse of `segment_from_json`."""
    match condition:
        case All(parts):
            return {"all": [segment_to_json(part) for part in parts]}
        case AnyOf(parts):
            return {"any": [segment_to_json(part) for part in parts]}
        case Not(part):
            return {"not": segment_to_json(part)}
        case Area(areas):
            return {"area": list(areas)}
        case Age(month, low, high):
            return {"age": {"month": _month_json(month), **_range_json(low, high)}}
        case HouseholdMember(month, low, high):
            return {"household_member": {"month": _month_json(month), **_range_json(low, high)}}
        case HouseholdSize(low, high):
            return {"household_size": _range_json(low, high)}
        case SexIs(sex):
            return {"sex": sex}
        case Verified(value):
            return {"verified": value}
        case HasChannel(channel):
            return {"channel": channel}
        case EligibleFor(program_id):
            return {"eligible": program_id}
        case AppliedTo(program_id):
            return {"applied": program_id}
        case Interest(key):
            return {"interest": key}
        case MemberOf(association_id):
            return {"association": association_id}
    raise InvalidValue("条件の形が正しくありません。")


def current_month(today: dt.date) -> int:
    return month_index(today.year, today.month)
