"""Segments as staff write them: the JSON round trip, ages counted at a month's end, and the
Japanese messages for what cannot be a condition."""

from __future__ import annotations

import pytest

from domain.errors import InvalidValue
from domain.segments import (
    Age,
    All,
    AnyOf,
    Area,
    Interest,
    month_index,
    month_of,
    segment_from_json,
    segment_to_json,
)

pytestmark = pytest.mark.unit

OVER_65_IN_2_CHOME_OR_BOUSAI = {
    "any": [{"all": [{"age": {"month": "2026-12", "min": 65}}, {"area": ["本町2丁目"]}]},
            {"interest": "bousai"}]}


def test_a_segment_survives_the_json_round_trip() -> None:
    condition = segment_from_json(OVER_65_IN_2_CHOME_OR_BOUSAI)
    assert condition == AnyOf((All((Age(month_of("2026-12"), 65), Area(("本町2丁目",)))),
                               Interest("bousai")))
    assert segment_to_json(condition) == OVER_65_IN_2_CHOME_OR_BOUSAI


def test_sixty_five_at_the_end_of_december_means_born_in_december_1961_or_before() -> None:
    earliest, latest = Age(month_of("2026-12"), minimum=65).birth_months()
    assert (earliest, latest) == (None, month_index(1961, 12))


def test_under_six_means_born_after_december_2020() -> None:
    earliest, latest = Age(month_of("2026-12"), maximum=5).birth_months()
    assert (earliest, latest) == (month_index(2021, 1), None)


@pytest.mark.parametrize(("data", "message"), [
    ({"age": {"month": "2026-13", "min": 65}}, "基準月"),
    ({"age": {"month": "2026-12"}}, "下限か上限"),
    ({"age": {"month": "2026-12", "min": 70, "max": 60}}, "下限が上限より大きく"),
    ({"area": []}, "地域を1つ以上"),
    ({"all": []}, "条件を1つ以上"),
    ({"shoe_size": 27}, "条件「shoe_size」はありません"),
    ({"channel": "fax"}, "連絡手段「fax」"),
    ({"sex": "3"}, "性別"),
])
def test_what_cannot_be_a_condition_is_refused_in_japanese(data: object, message: str) -> None:
    with pytest.raises(InvalidValue, match=message):
        segment_from_json(data)


def test_a_superscript_digit_is_not_an_age() -> None:
    with pytest.raises(InvalidValue, match="0から130"):
        segment_from_json({"age": {"month": "2026-12", "min": "²"}})
