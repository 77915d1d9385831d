"""How pages show dates, times, postal codes and money: the house format of
application/dates.py (Japan time, 2026年12月5日 0:52, 令和8年12月5日 on forms,
〒123-4567), as Jinja filters, and the label filters of entrypoints/web/labels.py."""

from __future__ import annotations

import datetime as dt

from application.dates import (
    JST,
    era_date,
    era_year,
    japanese_date,
    japanese_datetime,
    japanese_time,
    postal_code,
)
from domain.values import Money
from entrypoints.web.labels import register_label_filters

__all__ = ["JST", "era_year", "format_date", "format_datetime", "format_era_date",
           "format_postal_code", "format_time", "format_yen", "register_filters"]


def format_date(value: dt.date | dt.datetime | str | None, *, era: bool = False) -> str:
    """2026年12月5日; `|date(era=True)` → 1985年4月1日（昭和60年） (dates of birth)."""
    return japanese_date(value, era=era)


def format_era_date(value: dt.date | dt.datetime | None) -> str:
    """令和8年12月5日"""
    return era_date(value)


def format_datetime(value: dt.datetime | None) -> str:
    """2026年12月5日 0:52 in Japan time."""
    return japanese_datetime(value)


def format_time(value: dt.datetime | None) -> str:
    """0:52 in Japan time."""
    return japanese_time(value)


def format_postal_code(value: str | None) -> str:
    """〒123-4567"""
    return postal_code(value)


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
    app.add_template_filter(format_time, "time")
    app.add_template_filter(format_postal_code, "postal")
    app.add_template_filter(format_yen, "yen")
    register_label_filters(app)
