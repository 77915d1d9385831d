from __future__ import annotations

import datetime as dt

import pytest

from domain.values import JST, Money
from entrypoints.web.staff.formatting import (
    era_year,
    format_date,
    format_datetime,
    format_era_date,
    format_postal_code,
    format_time,
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


def test_dates_are_western_without_zero_padding_with_the_era_where_asked() -> None:
    assert format_date(dt.date(2026, 1, 1)) == "2026年1月1日"
    assert format_date(dt.date(1985, 4, 1), era=True) == "1985年4月1日（昭和60年）"
    assert format_era_date(dt.date(2025, 1, 5)) == "令和7年1月5日"
    late_utc = dt.datetime(2019, 4, 30, 15, 30, tzinfo=dt.UTC)  # 2019-05-01 00:30 in Japan
    assert format_era_date(late_utc) == "令和元年5月1日"
    assert format_date(None) == "" and format_datetime(None) == "" and format_time(None) == ""


def test_a_utc_evening_is_the_next_morning_in_japan() -> None:
    received = dt.datetime(2026, 12, 4, 15, 52, tzinfo=dt.UTC)  # 2026-12-05 00:52 in Japan
    assert format_datetime(received) == "2026年12月5日 0:52"
    assert format_date(received) == "2026年12月5日"
    assert format_era_date(received) == "令和8年12月5日"
    assert format_time(received) == "0:52"


def test_a_date_held_as_iso_text_reads_as_that_day() -> None:
    assert format_date("1985-04-01", era=True) == "1985年4月1日（昭和60年）"


def test_a_naive_time_is_read_as_utc_as_the_database_stores_it() -> None:
    assert format_datetime(dt.datetime(2026, 12, 4, 15, 52)) == "2026年12月5日 0:52"


def test_times_keep_two_digit_minutes_and_unpadded_hours() -> None:
    assert format_time(dt.datetime(2026, 1, 1, 14, 5, tzinfo=JST)) == "14:05"
    assert format_time(dt.datetime(2026, 1, 1, 23, 59, tzinfo=JST)) == "23:59"


@pytest.mark.parametrize(("stored", "shown"), [
    ("2802478", "〒280-2478"), ("174-8779", "〒174-8779"), ("１２３４５６７", "〒123-4567"),
    ("〒1000001", "〒100-0001"), (None, ""), ("", ""),
])
def test_postal_codes_always_read_with_the_mark_and_a_hyphen(stored: str | None,
                                                             shown: str) -> None:
    assert format_postal_code(stored) == shown


def test_yen_has_separators() -> None:
    assert format_yen(Money(70_000)) == "70,000円"
    assert format_yen(1234567) == "1,234,567円"
