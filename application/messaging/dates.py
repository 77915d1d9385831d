"""Dates and times as a resident reads them in a message: in Japan time, without zero padding
(12月5日, 2026年12月5日, 2026年12月5日 9:05). One place for every resident-facing message; staff
pages have their own formats (entrypoints/web/staff)."""

from __future__ import annotations

import datetime as dt

from domain.values import JST

__all__ = ["resident_date", "resident_day", "resident_deadline"]


def _in_japan(moment: dt.datetime | dt.date) -> dt.date | dt.datetime:
    if isinstance(moment, dt.datetime):
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
        return aware.astimezone(JST)  # a stored time without a zone is UTC
    return moment


def resident_day(moment: dt.datetime | dt.date) -> str:
    """The day in Japan time, month and day: 12月5日 (00:52 JST on 12/5 is 12月5日)."""
    local = _in_japan(moment)
    return f"{local.month}月{local.day}日"


def resident_date(moment: dt.datetime | dt.date) -> str:
    """The day in Japan time with its year: 2026年12月5日."""
    local = _in_japan(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def resident_deadline(moment: dt.datetime) -> str:
    """A moment in Japan time to the minute: 2026年12月5日 23:59 (the hour unpadded: 9:05)."""
    local = _in_japan(moment)
    assert isinstance(local, dt.datetime)
    return f"{resident_date(local)} {local.hour}:{local.minute:02d}"
