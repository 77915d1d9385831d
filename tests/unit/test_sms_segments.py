"""SMS segments: GSM-7 160 / 153 a part (the extension table counts two), UCS-2 70 / 67 a part
(a surrogate pair counts two); the cost is segments × the price × recipients."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.messaging.segments import count_segments, sms_cost_yen

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("text", "encoding", "units", "segments"), [
    ("", "GSM-7", 0, 0),
    ("a" * 160, "GSM-7", 160, 1),
    ("a" * 161, "GSM-7", 161, 2),
    ("a" * 306, "GSM-7", 306, 2),
    ("a" * 307, "GSM-7", 307, 3),
    ("[" * 80, "GSM-7", 160, 1),
    ("€" * 81, "GSM-7", 162, 2),
    ("あ" * 70, "UCS-2", 70, 1),
    ("あ" * 71, "UCS-2", 71, 2),
    ("あ" * 134, "UCS-2", 134, 2),
    ("あ" * 135, "UCS-2", 135, 3),
    ("a" * 69 + "あ", "UCS-2", 70, 1),
    ("😀" * 35, "UCS-2", 70, 1),
    ("𠮷" * 36, "UCS-2", 72, 2),
])
def test_segments_by_encoding(text: str, encoding: str, units: int, segments: int) -> None:
    counted = count_segments(text)
    assert (counted.encoding, counted.units, counted.segments) == (encoding, units, segments)


def test_a_benefit_notice_in_japanese_is_a_few_ucs2_parts_and_costs_accordingly() -> None:
    text = "【物価高騰対策給付金】あなたの世帯は支給の対象です。支給額は70,000円です。" * 2
    counted = count_segments(text)
    assert counted.encoding == "UCS-2" and counted.per_segment == 67
    assert sms_cost_yen(text, yen_per_segment=10.5, recipients=3) == \
        -(-counted.segments * 10.5 * 3 // 1)


@given(st.text(max_size=400))
def test_every_part_holds_at_most_its_limit(text: str) -> None:
    counted = count_segments(text)
    assert counted.segments * counted.per_segment >= counted.units
    assert counted.segments == 0 or (counted.segments - 1) * counted.per_segment < counted.units
