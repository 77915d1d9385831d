"""A procedure that is a survey (アンケート, ADR 0059): `"survey": {"named": false}` in the
procedure (and its template). Its finished answers go to the survey's answers (anonymous
unless `named`) instead of opening a case; each person answers once.

The score of an answer (average and trend on the results page) is the answer of the question
whose key is `satisfaction`, else of the first choice question whose values are 1..5."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from attrs import frozen

from application.conversations.steps import AnswerType, Step
from domain.errors import InvalidValue
from domain.surveys import SCORES

__all__ = ["SCORE_KEY", "Survey", "is_scale", "score_step", "survey_errors",
           "survey_from_dict"]

SCORE_KEY = "satisfaction"


@frozen
class Survey:
    named: bool = False  # 記名: the resident's id is kept with the answer

    def to_dict(self) -> dict[str, Any]:
        return {"named": self.named}


def survey_from_dict(item: Any) -> Survey:
    if not isinstance(item, Mapping):
        raise InvalidValue("アンケートの設定（survey）は項目と値の組で指定してください。")
    unknown = sorted(set(item) - {"named"})
    if unknown:
        raise InvalidValue(f"アンケートの設定に知らない項目があります: {', '.join(unknown)}")
    named = item.get("named", False)
    if not isinstance(named, bool):
        raise InvalidValue("アンケートの named は true か false で指定してください。")
    return Survey(named=named)


def is_scale(step: Step) -> bool:
    """A choice question whose values are exactly 1..5."""
    return step.answer is AnswerType.CHOICE and \
        {option.value for option in step.choices} == {str(score) for score in SCORES}


def score_step(steps: Sequence[Step]) -> Step | None:
    """The question whose answer is the survey's score (None: it has none)."""
    keyed = next((step for step in steps if step.key == SCORE_KEY), None)
    if keyed is not None:
        return keyed
    return next((step for step in steps if is_scale(step)), None)


def survey_errors(survey: Survey | None, *, steps: Sequence[Step], submits: bool,
                  has_fee: bool) -> list[str]:
    """Why a procedure cannot be this survey (Japanese, for the builder)."""
    if survey is None:
        return []
    errors = []
    if has_fee:
        errors.append("アンケートには手数料を設定できません。")
    if not submits:
        errors.append("案内（受け付けない手続き）はアンケートにできません。")
    if not survey.named and any(step.known for step in steps):
        errors.append("記名でないアンケートでは、町が持っている住民の情報（known）を使えません"
                      "（匿名の回答に氏名や住所が入るため）。")
    keyed = next((step for step in steps if step.key == SCORE_KEY), None)
    if keyed is not None and not is_scale(keyed):
        errors.append(f"アンケートの質問「{SCORE_KEY}」は、値が 1 から 5 の選択式にしてください"
                      "（平均と推移を集計します）。")
    return errors
