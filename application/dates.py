"""The house format for what a person reads: Japan time, 西暦 dates without zero padding
(2026年12月5日), times as 0:52, 令和 dates where a form or slip shows them (令和8年12月5日), and
postal codes as 〒123-4567. Residents' messages, the staff pages' filters
(entrypoints/web/staff/formatting.py) and the printed slips use these functions, so a message, a
page and a slip never disagree about a day."""

from __future__ import annotations

import datetime as dt

from domain.values import JST

__all__ = ["JST", "era_date", "era_year", "in_japan", "japanese_date", "japanese_datetime",
           "japanese_time", "month_day", "postal_code"]

# (first day, name); the era of a date is the last one that began on or before it.
_ERAS = (
    (dt.date(1868, 10, 23), "明治"),
    (dt.date(1912, 7, 30), "大正"),
    (dt.date(1926, 12, 25), "昭和"),
    (dt.date(1989, 1, 8), "平成"),
    (dt.date(2019, 5, 1), "令和"),
)


def in_japan(moment: dt.datetime) -> dt.datetime:
    """The moment in Japan time; a naive datetime is taken as UTC (how the database stores)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(JST)


def _as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A day in Japan; ISO text (1985-04-01, as a form holds a date) is read as that day."""
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return in_japan(value).date() if isinstance(value, dt.datetime) else value


def era_year(value: dt.date | dt.datetime) -> str:
    """令和7年, 平成元年; before 明治 the Western year (西暦)."""
    day = _as_date(value)
    for start, name in reversed(_ERAS):
        if day >= start:
            year = day.year - start.year + 1
            return f"{name}{'元' if year == 1 else year}年"
    return f"{day.year}年"


def japanese_date(value: dt.date | dt.datetime | str | None, *, era: bool = False) -> str:
    """2026年12月5日; with `era`, 2026年12月5日（令和8年） (how staff read dates of birth)."""
    if value is None:
        return ""
    day = _as_date(value)
    western = f"{day.year}年{day.month}月{day.day}日"
    return f"{western}（{era_year(day)}）" if era else western


def month_day(value: dt.date | dt.datetime) -> str:
    """12月5日: the day in Japan time without its year (00:52 JST on 12/5 is 12月5日)."""
    day = _as_date(value)
    return f"{day.month}月{day.day}日"


def era_date(value: dt.date | dt.datetime | None) -> str:
    """令和8年12月5日: as a form or a printed slip shows a date."""
    if value is None:
        return ""
    day = _as_date(value)
    return f"{era_year(day)}{day.month}月{day.day}日"


def japanese_time(value: dt.datetime | None) -> str:
    """0:52 in Japan time (hours not padded, minutes always two digits)."""
    if value is None:
        return ""
    moment = in_japan(value)
    return f"{moment.hour}:{moment.minute:02d}"


def japanese_datetime(value: dt.datetime | None) -> str:
    """2026年12月5日 0:52 in Japan time."""
    if value is None:
        return ""
    return f"{japanese_date(value)} {japanese_time(value)}"


def postal_code(value: str | None) -> str:
    """〒123-4567 from 1234567, 123-4567 or １２３４５６７; empty for none; a code that is not
    seven digits is shown as it is, after the mark."""
    if not value:
        return ""
    digits = "".join(str(int(c)) for c in value if c.isdigit())
    if len(digits) == 7:
        return f"〒{digits[:3]}-{digits[3:]}"
    return f"〒{value.lstrip('〒')}"
