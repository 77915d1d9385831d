"""Surveys (アンケート, ADR 0059): the satisfaction question after a completed procedure and the
custom surveys staff build as procedures. An answer is anonymous: its respondent is a keyed
digest of the person (never an id), kept only so that one person answers once per period; a
named survey adds the resident's id, nothing else does.

The satisfaction question is asked at most once per person, per procedure, per Japan month
(`period` "2026-12"); a custom survey once per person ever (`period` "")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import define, field

from domain.errors import InvalidValue
from domain.values import JST

__all__ = [
    "ONCE",
    "SATISFACTION",
    "SCORES",
    "SurveyAnswer",
    "month_of",
    "score_of",
]

SATISFACTION = "satisfaction"  # the survey id of the satisfaction question
ONCE = ""  # the period of a custom survey: answered once per person
SCORES: dict[int, str] = {5: "とても満足", 4: "満足", 3: "ふつう", 2: "不満", 1: "とても不満"}


def month_of(moment: dt.datetime) -> str:
    """The Japan month of a moment, "2026-12" (23:30 UTC on 30 Nov is December in Japan)."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    japan = aware.astimezone(JST)
    return f"{japan.year:04d}-{japan.month:02d}"


def score_of(value: Any) -> int | None:
    """A 1..5 score from an answer ("4", 4, "4 満足"), None when it is not one."""
    text = str(value).strip() if value is not None else ""
    head = text[:1]
    if not head.isdecimal() or (len(text) > 1 and not text[1:2].isspace()):
        return None
    number = int(head)
    return number if number in SCORES else None


def _score(value: int | None) -> int | None:
    if value is not None and value not in SCORES:
        raise InvalidValue("評価は1から5の数字で答えてください。")
    return value


@define(slots=False, eq=False)
class SurveyAnswer:
    """One person's answer to a survey in one period (the database keeps one per survey,
    procedure, respondent and period)."""

    id: str
    survey_id: str
    procedure_id: str  # the procedure rated (the satisfaction question), "" for a custom survey
    respondent_key: str  # a keyed digest of the person: never an id
    period: str
    channel: str
    answered_at: dt.datetime
    score: int | None = field(default=None, converter=_score)
    answers: dict[str, Any] = field(factory=dict)
    resident_id: str | None = None  # only when the survey is named

    @classmethod
    def satisfaction(cls, *, id: str, procedure_id: str, respondent_key: str, score: int,
                     channel: str, at: dt.datetime, period: str | None = None) -> SurveyAnswer:
        """`period`: the month the question was asked, when not the month of `at`."""
        if not procedure_id:
            raise InvalidValue("評価する手続きがわかりません。")
        return cls(id=id, survey_id=SATISFACTION, procedure_id=procedure_id,
                   respondent_key=respondent_key, period=period or month_of(at), channel=channel,
                   answered_at=at, score=score)

    @classmethod
    def custom(cls, *, id: str, survey_id: str, respondent_key: str, answers: dict[str, Any],
               channel: str, at: dt.datetime, score: int | None = None,
               resident_id: str | None = None) -> SurveyAnswer:
        if not survey_id or survey_id == SATISFACTION:
            raise InvalidValue("アンケートの手続きがわかりません。")
        return cls(id=id, survey_id=survey_id, procedure_id="", respondent_key=respondent_key,
                   period=ONCE, channel=channel, answered_at=at, score=score,
                   answers=dict(answers), resident_id=resident_id)
