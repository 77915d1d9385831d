"""The report's counts (ADR 0060). Live: one statement per figure, a UNION ALL of one range count
per span asked, each a range of an index made for it (`orm/kpi.py`), so the database reads index
entries only. Kept: the months `kpi_months` holds, a few rows each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Integer,
    case,
    delete,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications
from adapters.persistence.orm.cases import cases
from adapters.persistence.orm.certificates import certificate_requests
from adapters.persistence.orm.kpi import kpi_month_counts, kpi_months
from adapters.persistence.orm.messaging import channel_identities, conversations
from adapters.persistence.orm.residents import identity_verifications
from adapters.persistence.orm.surveys import survey_answers
from adapters.persistence.queries.rows import plain
from application.ports.kpi_queries import MonthCounts, Range

__all__ = ["SqlKpiMonthRepository", "SqlKpiQueries"]

_COUNTS = ("friends_added", "friends_left", "verified", "certificates", "score_total", "answers")
_BY_KEY = ("cases", "benefits", "started", "completed")


class SqlKpiQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def live(self, ranges: Sequence[Range]) -> list[MonthCounts]:
        if not ranges:
            return []
        ci, v, c, r = (channel_identities.c, identity_verifications.c, cases.c,
                       certificate_requests.c)
        a, t, s = applications.c, conversations.c, survey_answers.c
        found: list[dict[str, Any]] = [defaultdict(dict) for _ in ranges]

        def plain_counts(figure: str, column: Any, *where: Any) -> None:
            for index, count in self._spans(column, ranges, [], [func.count()], *where):
                found[index][figure] = int(count)

        plain_counts("friends_added", ci.created_at, ci.channel == "line")
        plain_counts("friends_left", ci.status_changed_at, ci.channel == "line",
                     ci.status.in_(("blocked", "unreachable")))
        plain_counts("verified", v.verified_at, v.status == "linked")
        plain_counts("certificates", r.requested_at)
        for index, procedure, count in self._spans(c.created_at, ranges, [c.procedure_id],
                                                   [func.count()]):
            found[index]["cases"][procedure] = int(count)
        for index, channel, count in self._spans(a.confirmed_at, ranges, [a.channel],
                                                 [func.count()]):
            found[index]["benefits"][plain(channel)] = int(count)
        completed = func.sum(case((t.status == "completed", 1), else_=0))
        for index, procedure, count, done in self._spans(
                t.started_at, ranges, [t.procedure_id], [func.count(), completed],
                or_(t.procedure_version.is_(None), t.procedure_version != 0)):
            found[index]["started"][procedure] = int(count)
            found[index]["completed"][procedure] = int(done or 0)
        for index, total, answers in self._spans(
                s.answered_at, ranges, [], [func.coalesce(func.sum(s.score), 0),
                                            func.count(s.score)],
                s.survey_id == "satisfaction", s.score.is_not(None)):
            found[index]["score_total"], found[index]["answers"] = int(total), int(answers)
        return [MonthCounts(**values) for values in found]

    def _spans(self, column: Any, ranges: Sequence[Range], keys: Sequence[Any],
               measures: Sequence[Any], *where: Any) -> list[tuple[Any, ...]]:
        """(range index, *keys, *measures) rows: one statement for every range."""
        # Grouped by `key || ''`, not by the column itself: an index on the key alone must not
        # tempt the planner into reading the whole table in the key's order (SQLite does, for
        # an open range); the range's own index is the one to read.
        keys = [key.concat(literal_column("''")).label(key.name) for key in keys]
        parts = []
        for index, (start, end) in enumerate(ranges):
            span = [column < end] if start is None else [column >= start, column < end]
            part = select(literal(index, Integer), *keys, *measures).where(*span, *where)
            parts.append(part.group_by(*keys) if keys else part)
        return [tuple(row) for row in self.session.execute(union_all(*parts))]

    def kept_span(self) -> tuple[dt.date, dt.date] | None:
        first, last = self.session.execute(
            select(func.min(kpi_months.c.month), func.max(kpi_months.c.month))).one()
        return (_date(first), _date(last)) if first else None

    def kept(self, first: dt.date, last: dt.date) -> dict[dt.date, MonthCounts]:
        k = kpi_month_counts.c
        rows = self.session.execute(select(kpi_months.c.month).where(
            kpi_months.c.month.between(f"{first:%Y-%m}", f"{last:%Y-%m}"))).scalars().all()
        values: dict[str, dict[str, Any]] = {month: defaultdict(dict) for month in rows}
        for month, figure, key, value in self.session.execute(
                select(k.month, k.figure, k.key, k.value).where(
                    k.month.between(f"{first:%Y-%m}", f"{last:%Y-%m}"))):
            _put(values[month], figure, key, value)
        return {_date(month): MonthCounts(**found) for month, found in values.items()}

    def kept_before(self, month: dt.date) -> MonthCounts:
        k = kpi_month_counts.c
        found: dict[str, Any] = defaultdict(dict)
        for figure, key, value in self.session.execute(
                select(k.figure, k.key, func.sum(k.value)).where(k.month < f"{month:%Y-%m}")
                .group_by(k.figure, k.key)):
            _put(found, figure, key, value)
        return MonthCounts(**found)

    def first_event(self) -> dt.datetime | None:
        ci, v, s = channel_identities.c, identity_verifications.c, survey_answers.c
        firsts = (  # each one end of an index (a LINE identity leaves after it came)
            select(func.min(ci.created_at)).where(ci.channel == "line"),
            select(func.min(v.verified_at)).where(v.status == "linked"),
            select(func.min(cases.c.created_at)),
            select(func.min(certificate_requests.c.requested_at)),
            select(func.min(applications.c.confirmed_at)),
            select(func.min(conversations.c.started_at)),
            select(func.min(s.answered_at)).where(s.survey_id == "satisfaction"))
        moments = [self.session.execute(first).scalar_one() for first in firsts]
        known = [moment for moment in moments if moment is not None]
        return min(known) if known else None


class SqlKpiMonthRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, month: dt.date, counts: MonthCounts, *, at: dt.datetime) -> None:
        name = f"{month:%Y-%m}"
        self.session.execute(insert(kpi_months).values(month=name, counted_at=at))
        rows = [{"month": name, "figure": figure, "key": "", "value": getattr(counts, figure)}
                for figure in _COUNTS if getattr(counts, figure)]
        rows += [{"month": name, "figure": figure, "key": key, "value": value}
                 for figure in _BY_KEY for key, value in getattr(counts, figure).items()]
        if rows:
            self.session.execute(insert(kpi_month_counts), rows)

    def clear(self) -> int:
        self.session.execute(delete(kpi_month_counts))
        return int(self.session.execute(delete(kpi_months)).rowcount or 0)


def _put(values: dict[str, Any], figure: str, key: str, value: Any) -> None:
    if figure in _BY_KEY:
        values[figure][key] = int(value)
    elif figure in _COUNTS:
        values[figure] = int(value)


def _date(month: str) -> dt.date:
    return dt.date.fromisoformat(f"{month}-01")
