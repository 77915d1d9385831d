"""How staff pages show dates and money: Western and Japanese era (和暦) dates in Japan time,
and yen."""

from __future__ import annotations

import datetime as dt

from domain.values import JST, Money

__all__ = ["JST", "era_year", "format_date", "format_datetime", "format_era_date", "format_yen",
           "register_filters"]


# (first day, name); the era of a date is the last one that began on or before it.
_ERAS = (
    (dt.date(1868, 10, 23), "明治"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(2019, 5, 1), "令和"),
)


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        return (value.astimezone(JST) if value.tzinfo else value).date()
    return value


def era_year(value: dt.date | dt.datetime) -> str:
    """令和7年, 平成元年; before 明治 the Western year (西暦)."""
    day = _as_date(value)
    for start, name in reversed(_ERAS):
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return f"{day.year}年"


def format_era_date(value: dt.date | dt.datetime | None) -> str:
    """令和7年11月22日"""
    if value is None:
        return ""
    day = _as_date(value)
    return f"{era_year(day)}{day.month}月{day.day}日"


def format_date(value: dt.date | dt.datetime | None, *, era: bool = True) -> str:
    """2025年11月22日（令和7年）: both, as staff read dates of birth and deadlines."""
    if value is None:
        return ""
    day = _as_date(value)
    western = f"{day.year}年{day.month}月{day.day}日"
    return f"{western}（{era_year(day)}）" if era else western


def format_datetime(value: dt.datetime | None) -> str:
    """2025/11/22 14:05 in Japan time."""
    if value is None:
        return ""
    moment = value.astimezone(JST) if value.tzinfo else value.replace(tzinfo=dt.UTC).astimezone(
        JST)
    return moment.strftime("%Y/%m/%d %H:%M")


def format_yen(value: Money | int | None) -> str:
    if value is None:
        return ""
    yen = value.yen if isinstance(value, Money) else int(value)
    return f"{yen:,}円"


def register_filters(app) -> None:  # type: ignore[no-untyped-def]
    app.add_template_filter(format_date, "date")
    app.add_template_filter(format_era_date, "era_date")
    app.add_template_filter(era_year, "era_year")
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_yen, "yen")
