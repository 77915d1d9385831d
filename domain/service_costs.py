"""What a month (or a year) of the online service cost the town, as staff enter it for the
cost per transaction they report (GOV.UK's first service measure): the running cost in yen and
the staff hours spent, with the hourly cost of those hours."""

from __future__ import annotations

import datetime as dt
import re

from attrs import define

from domain.errors import InvalidValue

__all__ = ["MAX_YEN", "ServiceCost", "check_period"]

MAX_YEN = 10_000_000_000  # 100億円: a typo, not a town's budget for one service
_MAX_HOURS = 100_000
_PERIOD = re.compile(r"^(20\d\d)(?:-(0[1-9]|1[0-2]))?$")


def check_period(text: str) -> str:
    """"2026-11" (a Japan month) or "2026" (a year, spread evenly over its twelve months)."""
    period = text.strip()
    if not _PERIOD.match(period):
        raise InvalidValue("期間は 2026-11（月）か 2026（年）の形で入力してください。",
                           code="bad_period")
    return period


def _amount(value: int, what: str, ceiling: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= ceiling:
        raise InvalidValue(f"{what}は0以上{ceiling:,}以下の整数で入力してください。",
                           code="bad_amount")
    return value


@define(slots=False, eq=False)
class ServiceCost:
    period: str  # "2026-11" or "2026"
    running_cost_yen: int  # systems, LINE's fees, SMS: what the town paid
    staff_hours: int
    hourly_cost_yen: int  # what one staff hour costs the town
    updated_at: dt.datetime
    updated_by: str

    @classmethod
    def enter(cls, *, period: str, running_cost_yen: int, staff_hours: int,
              hourly_cost_yen: int, by: str, at: dt.datetime) -> ServiceCost:
        cost = cls(period=check_period(period), running_cost_yen=0, staff_hours=0,
                   hourly_cost_yen=0, updated_at=at, updated_by=by)
        cost.change(running_cost_yen=running_cost_yen, staff_hours=staff_hours,
                    hourly_cost_yen=hourly_cost_yen, by=by, at=at)
        return cost

    def change(self, *, running_cost_yen: int, staff_hours: int, hourly_cost_yen: int,
               by: str, at: dt.datetime) -> None:
        self.running_cost_yen = _amount(running_cost_yen, "運用費", MAX_YEN)
        self.staff_hours = _amount(staff_hours, "職員の作業時間", _MAX_HOURS)
        self.hourly_cost_yen = _amount(hourly_cost_yen, "1時間あたりの人件費", 1_000_000)
        self.updated_by, self.updated_at = by, at

    @property
    def is_year(self) -> bool:
        return len(self.period) == 4

    @property
    def total_yen(self) -> int:
        return self.running_cost_yen + self.staff_hours * self.hourly_cost_yen
