"""Survey figures by aggregate queries (ADR 0059); the respondent digest is never selected."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.surveys import survey_answers
from application.ports.survey_queries import ScoreCount, SurveyReply
from domain.surveys import SATISFACTION

__all__ = ["SqlSurveyQueries"]

_sa = survey_answers.c


class SqlSurveyQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def satisfaction_counts(self, *, since: str = "") -> Sequence[ScoreCount]:
        rows = self.session.execute(
            select(_sa.procedure_id, _sa.period, _sa.score, func.count())
            .where(_sa.survey_id == SATISFACTION, _sa.period >= since,
                   _sa.score.is_not(None))
            .group_by(_sa.procedure_id, _sa.period, _sa.score)
            .order_by(_sa.procedure_id, _sa.period, _sa.score))
        return [ScoreCount(procedure, period, score, count)
                for procedure, period, score, count in rows]

    def survey_counts(self) -> Mapping[str, int]:
        rows = self.session.execute(
            select(_sa.survey_id, func.count()).where(_sa.survey_id != SATISFACTION)
            .group_by(_sa.survey_id))
        return {survey_id: count for survey_id, count in rows}

    def replies(self, survey_id: str) -> Sequence[SurveyReply]:
        rows = self.session.execute(
            select(_sa.answered_at, _sa.score, _sa.answers, _sa.resident_id)
            .where(_sa.survey_id == survey_id).order_by(_sa.answered_at, _sa.id))
        return [SurveyReply(at, score, answers or {}, resident_id)
                for at, score, answers, resident_id in rows]
