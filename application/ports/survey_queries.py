"""The read side of surveys (ADR 0059): counts of the satisfaction question's scores, by
procedure and by Japan month, and a custom survey's answers. No respondent digest leaves these
queries; a named survey's resident id is returned for the page to show only to those who may
see residents."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from attrs import frozen

__all__ = ["ScoreCount", "SurveyQueries", "SurveyReply"]


@frozen
class ScoreCount:
    """How many answers gave `score` for one procedure (or survey) in one month."""

    procedure_id: str
    period: str  # "2026-12"
    score: int
    count: int


@frozen
class SurveyReply:
    """One answer to a custom survey."""

    answered_at: dt.datetime
    score: int | None
    answers: Mapping[str, Any]
    resident_id: str | None  # a named survey's only


class SurveyQueries(Protocol):
    def satisfaction_counts(self, *, since: str = "") -> Sequence[ScoreCount]:
        """The satisfaction question's answers counted per procedure, month and score (months
        from `since` "2026-01" on; "" every month)."""
        ...

    def survey_counts(self) -> Mapping[str, int]:
        """Each custom survey that has answers (its procedure id) → how many."""
        ...

    def replies(self, survey_id: str) -> Sequence[SurveyReply]:
        """A custom survey's answers, oldest first."""
        ...
