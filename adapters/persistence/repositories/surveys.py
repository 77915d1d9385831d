"""The repository of survey answers (ADR 0059)."""

from __future__ import annotations

from sqlalchemy import exists, select

from adapters.persistence.orm.surveys import survey_answers
from adapters.persistence.repositories.base import SqlRepository
from domain.surveys import SurveyAnswer

__all__ = ["SqlSurveyAnswerRepository"]


class SqlSurveyAnswerRepository(SqlRepository):
    model = SurveyAnswer

    def answered(self, survey_id: str, procedure_id: str, respondent_key: str,
                 period: str) -> bool:
        c = survey_answers.c
        return bool(self.session.scalar(select(exists().where(
            c.survey_id == survey_id, c.procedure_id == procedure_id,
            c.respondent_key == respondent_key, c.period == period))))
