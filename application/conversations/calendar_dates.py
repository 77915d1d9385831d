"""Dates from a calendar (`Step.weekdays`, `min_days_ahead`, `offer_dates`): 粗大ごみ collected
on Wednesdays, booked at least three days ahead, the next few collection days offered as
buttons. Such a question never allows 年末年始 (12/29–1/3), when the town's offices close; a
date typed instead of tapped is refused unless the calendar allows it, with the reason."""

from __future__ import annotations

import datetime as dt

from application.conversations.steps import Step
from domain.errors import InvalidValue

__all__ = ["WEEKDAY_NAMES", "calendar_problem", "is_year_end", "offered_dates", "short_date"]

WEEKDAY_NAMES = ("月", "火", "水", "木", "金", "土", "日")
_LOOK_AHEAD = 400  # days searched for the dates to offer (a year and a little)


def is_year_end(day: dt.date) -> bool:
    """年末年始: 12月29日 to 1月3日."""
    return (day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3)


def calendar_problem(step: Step, day: dt.date, today: dt.date) -> str | None:
    """Why `day` cannot be answered to `step` (a Japanese sentence), or None when it can."""
    if not step.uses_calendar:
        return None
    ahead = step.min_days_ahead or 0
    earliest = today + dt.timedelta(days=ahead)
    if day < earliest:
        if ahead == 0:
            return "今日以降の日付を選んでください。"
        return f"{ahead}日後（{short_date(earliest)}）以降の日付を選んでください。"
    if step.weekdays and day.weekday() not in step.weekdays:
        days = "・".join(f"{WEEKDAY_NAMES[n]}曜日" for n in sorted(step.weekdays))
        return f"{short_date(day)}は選べません。{days}の日付を選んでください。"
    if is_year_end(day):
        return "年末年始（12月29日〜1月3日）の日付は選べません。"
    return None


def offered_dates(step: Step, today: dt.date) -> list[dt.date]:
    """The next `offer_dates` dates the question allows (within its min_date / max_date)."""
    wanted = step.offer_dates or 0
    found: list[dt.date] = []
    day = today
    for _ in range(_LOOK_AHEAD):
        if len(found) >= wanted or (step.max_date is not None and day > step.max_date):
            break
        if calendar_problem(step, day, today) is None \
                and (step.min_date is None or day >= step.min_date):
            found.append(day)
        day += dt.timedelta(days=1)
    return found


def short_date(day: dt.date) -> str:
    """12月9日（水）: a button's label, well under LINE's 20 characters."""
    return f"{day.month}月{day.day}日（{WEEKDAY_NAMES[day.weekday()]}）"


def check_calendar(step: Step, day: dt.date, today: dt.date) -> dt.date:
    problem = calendar_problem(step, day, today)
    if problem is not None:
        raise InvalidValue(problem)
    return day
