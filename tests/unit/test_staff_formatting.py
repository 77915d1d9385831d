from __future__ import annotations

import datetime as dt

import pytest

from domain.values import Money
from entrypoints.web.staff.formatting import (
    era_year,
    format_date,
    format_datetime,
    format_era_date,
    format_yen,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2025, 11, 22), "令和7年"),
    (dt.date(2019, 5, 1), "令和元年"),
    (dt.date(2019, 4, 30), "平成31年"),
    (dt.date(1989, 1, 8), "平成元年"),
    (dt.date(1989, 1, 7), "昭和64年"),
    (dt.date(1926, 12, 25), "昭和元年"),
    (dt.date(1926, 12, 24), "大正15年"),
    (dt.date(1912, 7, 30), "大正元年"),
    (dt.date(1912, 7, 29), "明治45年"),
    (dt.date(1868, 1, 1), "1868年"),
])
def test_era_years_begin_on_the_day_the_era_did(day: dt.date, expected: str) -> None:
    assert era_year(day) == expected


def test_dates_show_western_and_era_and_times_show_japan_time() -> None:
    assert format_date(dt.date(1985, 4, 1)) == "1985年4月1日（昭和60年）"
    assert format_era_date(dt.date(2025, 1, 5)) == "令和7年1月5日"
    late_utc = dt.datetime(2019, 4, 30, 15, 30, tzinfo=dt.UTC)  # 2019-05-01 00:30 in Japan
    assert format_era_date(late_utc) == "令和元年5月1日"
    assert format_datetime(late_utc) == "2019/05/01 00:30"
    assert format_date(None) == ""


def test_yen_has_separators() -> None:
    assert format_yen(Money(70_000)) == "70,000円"
    assert format_yen(1234567) == "1,234,567円"
