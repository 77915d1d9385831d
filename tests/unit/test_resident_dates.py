"""Dates in residents' messages (application/dates.py): Japan time, no zero padding."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.dates import japanese_date as resident_date
from application.dates import japanese_datetime as resident_deadline
from application.dates import month_day as resident_day
from domain.values import JST

pytestmark = pytest.mark.unit


def test_a_moment_after_midnight_in_japan_is_that_day_not_the_utc_one() -> None:
    moment = dt.datetime(2026, 12, 4, 16, 25, tzinfo=dt.UTC)  # 01:25 JST on 12/5
    assert resident_day(moment) == "12月5日"
    assert resident_date(moment) == "2026年12月5日"


def test_a_stored_time_without_a_zone_is_read_as_utc() -> None:
    assert resident_day(dt.datetime(2026, 12, 4, 15, 52)) == "12月5日"


def test_a_deadline_is_to_the_minute_with_the_hour_unpadded() -> None:
    assert resident_deadline(dt.datetime(2026, 8, 1, 0, 5, tzinfo=dt.UTC)) == "2026年8月1日 9:05"
    assert resident_deadline(dt.datetime(2026, 1, 1, 14, 59, tzinfo=dt.UTC)) \
        == "2026年1月1日 23:59"


@given(st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1),
                    timezones=st.just(dt.UTC)))
def test_the_day_shown_is_always_the_japanese_calendar_day_without_padding(moment) -> None:
    local = moment.astimezone(JST)
    assert resident_day(moment) == f"{local.month}月{local.day}日"
    assert "月0" not in resident_day(moment) and not resident_day(moment).startswith("0")
