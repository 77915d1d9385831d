"""The counts behind the report a town sends the national government each year (報告・KPI, ADR
0060): per Japan month, what happened in it — never a person. Months whose end is a week past
are kept counted (`kpi_months`, written by the scheduled work); the others are counted live,
each a range of an index, so the page reads little however old the town is."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

from attrs import field, frozen

__all__ = ["KpiMonthRepository", "KpiQueries", "MonthCounts", "Range"]

# [start, end) of a count; start None: from the beginning
Range = tuple[dt.datetime | None, dt.datetime]


def _counts(value: Mapping[str, int] | None = None) -> dict[str, int]:
    return {key: int(n) for key, n in (value or {}).items() if n}


@frozen
class MonthCounts:
    """What happened in a span of time (a month): each a count of rows by their moment."""

    friends_added: int = 0  # LINE identities created
    friends_left: int = 0  # LINE identities that blocked or became unreachable (by when)
    verified: int = 0  # identity verifications linked to a registry resident
    cases: dict[str, int] = field(factory=dict, converter=_counts)  # by procedure id
    certificates: int = 0  # certificate requests made
    benefits: dict[str, int] = field(factory=dict, converter=_counts)  # by channel
    started: dict[str, int] = field(factory=dict, converter=_counts)  # by procedure id
    completed: dict[str, int] = field(factory=dict, converter=_counts)  # of those started
    score_total: int = 0  # the satisfaction survey's scores added
    answers: int = 0

    def plus(self, other: MonthCounts) -> MonthCounts:
        def add(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return dict(Counter(a) + Counter(b))
        return MonthCounts(
            self.friends_added + other.friends_added, self.friends_left + other.friends_left,
            self.verified + other.verified, add(self.cases, other.cases),
            self.certificates + other.certificates, add(self.benefits, other.benefits),
            add(self.started, other.started), add(self.completed, other.completed),
            self.score_total + other.score_total, self.answers + other.answers)


class KpiQueries(Protocol):
    def live(self, ranges: Sequence[Range]) -> list[MonthCounts]:
        """Counted now from the tables, one per range (in order)."""
        ...

    def kept_span(self) -> tuple[dt.date, dt.date] | None:
        """The first and last month kept counted (contiguous), or None."""
        ...

    def kept(self, first: dt.date, last: dt.date) -> dict[dt.date, MonthCounts]:
        """The months kept counted between `first` and `last` (first days), both included."""
        ...

    def kept_before(self, month: dt.date) -> MonthCounts:
        """The kept months before `month`, added up."""
        ...

    def first_event(self) -> dt.datetime | None:
        """The earliest moment any count reads (where keeping months starts)."""
        ...


class KpiMonthRepository(Protocol):
    """The months kept counted: derived data, written once a month is settled."""

    def add(self, month: dt.date, counts: MonthCounts, *, at: dt.datetime) -> None:
        """Raises DuplicateError at commit when the month is kept already."""
        ...

    def clear(self) -> int:
        """Forget every kept month (they are counted again); how many there were."""
        ...
