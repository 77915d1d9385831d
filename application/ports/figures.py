"""The figures a town reports (the staff dashboard): counts and sums, no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from attrs import frozen

__all__ = ["TownFigures", "TownFiguresQuery"]


@frozen
class TownFigures:
    line_friends: int  # LINE identities following the town's account
    line_blocked: int
    residents_in_registry: int
    verified_residents: int
    verifications_waiting: int  # held for staff review
    applications_by_status: dict[str, int]  # status value → count
    amount_paid_yen: int  # settled disbursements
    disbursements_settled: int
    certificate_requests_by_state: dict[str, int]  # issue state value → count
    new_friends_by_day: tuple[tuple[dt.date, int], ...]  # oldest first, Japan days
    satisfaction_score: float | None = None  # no survey yet: None, shown as 未計測


class TownFiguresQuery(Protocol):
    def figures(self, *, today: dt.date, days: int = 14) -> TownFigures: ...
