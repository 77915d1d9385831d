"""The repository of survey answers (ADR 0059)."""

from __future__ import annotations

from typing import Protocol

from domain.surveys import SurveyAnswer

__all__ = ["SurveyAnswerRepository"]


class SurveyAnswerRepository(Protocol):
    """One answer per survey, procedure, respondent and period (the database refuses a second
    at commit)."""

    def add(self, answer: SurveyAnswer) -> None: ...
    def answered(self, survey_id: str, procedure_id: str, respondent_key: str,
                 period: str) -> bool: ...
