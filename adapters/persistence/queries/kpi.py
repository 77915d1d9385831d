"""The report's monthly counts (ADR 0060): one statement per figure, a UNION ALL of one range
count per month, each a range of an index made for it (`orm/kpi.py`), so the database reads
index entries only and each row at most once."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import accumulate, pairwise
from typing import Any

from sqlalchemy import Integer, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications
from adapters.persistence.orm.cases import cases
from adapters.persistence.orm.certificates import certificate_requests
from adapters.persistence.orm.messaging import channel_identities, conversations
from adapters.persistence.orm.residents import identity_verifications
from adapters.persistence.orm.surveys import survey_answers
from adapters.persistence.queries.rows import plain
from application.ports.kpi_queries import Bounds, ConversationCounts, SatisfactionSum

__all__ = ["SqlKpiQueries"]

_BEFORE = -1  # the bucket of everything before the first month (for running totals)


class SqlKpiQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def friends(self, bounds: Bounds) -> list[int]:
        ci = channel_identities.c
        added = self._running(ci.created_at, bounds, ci.channel == "line")
        left = self._running(ci.status_changed_at, bounds, ci.channel == "line",
                             ci.status.in_(("blocked", "unreachable")))
        return [a - b for a, b in zip(added, left, strict=True)]

    def verified(self, bounds: Bounds) -> list[int]:
        v = identity_verifications.c
        return self._running(v.verified_at, bounds, v.status == "linked")

    def cases(self, bounds: Bounds) -> dict[str, list[int]]:
        c = cases.c
        rows = self._buckets(c.created_at, bounds, [c.procedure_id], [func.count()])
        return _by_key(rows, len(bounds) - 1, lambda values: int(values[0]), 0)

    def certificate_requests(self, bounds: Bounds) -> list[int]:
        r = certificate_requests.c
        rows = self._buckets(r.requested_at, bounds, [], [func.count()])
        found = _by_key(rows, len(bounds) - 1, lambda values: int(values[0]), 0, keyed=False)
        return found.get("", [0] * (len(bounds) - 1))

    def benefit_applications(self, bounds: Bounds) -> dict[str, list[int]]:
        a = applications.c
        rows = self._buckets(a.confirmed_at, bounds, [a.channel], [func.count()])
        return _by_key(rows, len(bounds) - 1, lambda values: int(values[0]), 0)

    def conversations(self, bounds: Bounds) -> dict[str, list[ConversationCounts]]:
        c = conversations.c
        completed = func.sum(case((c.status == "completed", 1), else_=0))
        rows = self._buckets(c.started_at, bounds, [c.procedure_id], [func.count(), completed],
                             or_(c.procedure_version.is_(None), c.procedure_version != 0))
        return _by_key(rows, len(bounds) - 1,
                       lambda values: ConversationCounts(int(values[0]), int(values[1] or 0)),
                       ConversationCounts(0, 0))

    def satisfaction(self, bounds: Bounds) -> list[SatisfactionSum]:
        s = survey_answers.c
        rows = self._buckets(s.answered_at, bounds, [],
                             [func.coalesce(func.sum(s.score), 0), func.count(s.score)],
                             s.survey_id == "satisfaction", s.score.is_not(None))
        found = _by_key(rows, len(bounds) - 1,
                        lambda values: SatisfactionSum(int(values[0]), int(values[1])),
                        SatisfactionSum(0, 0), keyed=False)
        return found.get("", [SatisfactionSum(0, 0)] * (len(bounds) - 1))

    # -- the shape every figure shares -------------------------------------------------------

    def _buckets(self, column: Any, bounds: Bounds, keys: Sequence[Any],
                 measures: Sequence[Any], *where: Any, before: bool = False
                 ) -> list[tuple[Any, ...]]:
        """(month index, *keys, *measures) for each month (and `_BEFORE` when asked)."""
        ranges: list[tuple[int, list[Any]]] = [
            (index, [column >= start, column < end])
            for index, (start, end) in enumerate(pairwise(bounds))]
        if before:
            ranges.insert(0, (_BEFORE, [column < bounds[0]]))
        parts = [select(literal(index, Integer).label("month"), *keys, *measures)
                 .where(*conditions, *where).group_by(*keys) if keys else
                 select(literal(index, Integer).label("month"), *measures)
                 .where(*conditions, *where) for index, conditions in ranges]
        return [tuple(row) for row in self.session.execute(union_all(*parts))]

    def _running(self, column: Any, bounds: Bounds, *where: Any) -> list[int]:
        """How many rows have `column` before each month's end."""
        counts = dict.fromkeys(range(_BEFORE, len(bounds) - 1), 0)
        for month, count in self._buckets(column, bounds, [], [func.count()], *where,
                                          before=True):
            counts[int(month)] = int(count)
        running = list(accumulate(counts[m] for m in sorted(counts)))
        return running[1:]


def _by_key(rows: list[tuple[Any, ...]], months: int, value: Any, zero: Any, *,
            keyed: bool = True) -> dict[str, list[Any]]:
    """{key: [one value per month]} from (month, key, *measures) rows (key "" when unkeyed)."""
    found: dict[str, list[Any]] = defaultdict(lambda: [zero] * months)
    for row in rows:
        key, measures = (plain(row[1]), row[2:]) if keyed else ("", row[1:])
        found[key][int(row[0])] = value(measures)
    return dict(found)
