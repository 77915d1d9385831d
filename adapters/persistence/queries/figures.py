"""The dashboard's figures by aggregate queries (counts and sums in the database)."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.benefits import applications
from adapters.persistence.orm.certificates import certificate_requests
from adapters.persistence.orm.disbursements import disbursements
from adapters.persistence.orm.messaging import channel_identities
from adapters.persistence.orm.residents import identity_verifications, residents
from adapters.persistence.orm.surveys import survey_answers
from adapters.persistence.queries.rows import plain
from application.ports.queries import TownFigures
from domain.values import JST

__all__ = ["SqlFigureQueries"]


class SqlFigureQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def figures(self, *, today: dt.date, days: int = 14) -> TownFigures:
        first_day = today - dt.timedelta(days=days - 1)
        since = dt.datetime.combine(first_day, dt.time(), JST)
        ci, r, a, d, c, v = (channel_identities.c, residents.c, applications.c,
                             disbursements.c, certificate_requests.c, identity_verifications.c)
        session = self.session

        def grouped(column, table):  # type: ignore[no-untyped-def]
            rows = session.execute(select(column, func.count()).select_from(table)
                                   .group_by(column))
            return {plain(key): count for key, count in rows}

        line = {plain(key): count for key, count in session.execute(
            select(ci.status, func.count()).where(ci.channel == "line").group_by(ci.status))}
        registry = session.execute(select(func.count()).select_from(residents).where(
            r.resident_number.is_not(None))).scalar_one()
        verified = session.execute(select(func.count()).select_from(residents).where(
            r.verification_state == "verified")).scalar_one()
        waiting = session.execute(select(func.count()).select_from(
            identity_verifications).where(v.status == "review")).scalar_one()
        paid, settled = session.execute(
            select(func.coalesce(func.sum(d.amount), 0), func.count())
            .where(d.status == "settled")).one()
        starts = [dt.datetime.combine(first_day + dt.timedelta(days=n), dt.time(), JST)
                  for n in range(days + 1)]
        follows = session.execute(select(*(  # counted by day in the database (ADR 0067)
            func.coalesce(func.sum(case((and_(ci.created_at >= start, ci.created_at < end), 1),
                                        else_=0)), 0)
            for start, end in itertools.pairwise(starts))).where(
            ci.channel == "line", ci.created_at >= since, ci.created_at < starts[-1])).one()
        s = survey_answers.c
        score = session.execute(select(func.avg(s.score)).where(  # a year, one index's range
            s.survey_id == "satisfaction", s.answered_at >= now_minus_year(today),
            s.score.is_not(None))).scalar_one()
        by_status = grouped(a.status, applications)
        by_state = grouped(c.issue_state, certificate_requests)
        per_day = {first_day + dt.timedelta(days=n): int(count)
                   for n, count in enumerate(follows)}
        return TownFigures(
            line_friends=int(line.get("following", 0)), line_blocked=int(line.get("blocked", 0)),
            residents_in_registry=int(registry), verified_residents=int(verified),
            verifications_waiting=int(waiting), applications_by_status=by_status,
            amount_paid_yen=int(getattr(paid, "yen", paid) or 0),
            disbursements_settled=int(settled),
            certificate_requests_by_state=by_state,
            new_friends_by_day=tuple(sorted(per_day.items())),
            satisfaction_score=None if score is None else round(float(score), 2))


def now_minus_year(today: dt.date) -> dt.datetime:
    """The first instant (Japan time) of the day a year before `today`'s next day."""
    return dt.datetime.combine(today - dt.timedelta(days=364), dt.time(), JST)
