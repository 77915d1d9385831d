"""Survey answers: the satisfaction question after a completed procedure (survey_id
"satisfaction", the procedure rated in `procedure_id`) and custom surveys built as procedures
(survey_id = the procedure's id). Anonymous: a respondent is a keyed digest, kept only so one
person answers once per period; `resident_id` is set only when the survey says it is named."""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, String, Table, UniqueConstraint
from sqlalchemy.orm import registry

from adapters.persistence.orm.base import ID, metadata
from adapters.persistence.types import EncryptedJSON, UTCDateTime
from domain.surveys import SurveyAnswer

__all__ = ["map_surveys", "survey_answers"]

survey_answers = Table(
    "survey_answers", metadata,
    Column("id", ID, primary_key=True),
    Column("survey_id", String(64), nullable=False),
    Column("procedure_id", String(64), nullable=False),  # "" for a custom survey
    Column("respondent_key", String(64), nullable=False),  # HMAC, never an id
    Column("period", String(7), nullable=False),  # "2026-12" (Japan), or "" when once ever
    Column("score", Integer),  # 1..5 where the survey has a scale
    Column("answers", EncryptedJSON(dict, dict)),  # a custom survey's answers, free text included
    Column("channel", String(16), nullable=False),
    Column("resident_id", ID),  # only for a survey that says it is named
    Column("answered_at", UTCDateTime, nullable=False),
    UniqueConstraint("survey_id", "procedure_id", "respondent_key", "period"),
    Index("ix_survey_answers_answered_at", "survey_id", "answered_at"),
)


def map_surveys(mappers: registry) -> None:
    mappers.map_imperatively(SurveyAnswer, survey_answers)
