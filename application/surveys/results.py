"""What the staff page 「アンケート」 shows, computed from the survey queries' counts and answers
(ADR 0059): the satisfaction question's average, count and distribution per procedure and its
trend by month; a custom survey's distribution of choices per question, its free-text answers,
and the average and trend of its scale. Pure: no I/O, no respondent digest, no name."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from attrs import field, frozen

from application.conversations.procedures import Procedure
from application.conversations.steps import AnswerType, Step
from application.conversations.survey_field import score_step
from application.ports.survey_queries import ScoreCount, SurveyReply
from domain.surveys import SCORES, month_of

__all__ = ["Figure", "QuestionResult", "SatisfactionOverview", "SurveyResults",
           "satisfaction_overview", "survey_results"]

_OUT_OF_SCALE = "（選択肢にない回答）"


@frozen
class Figure:
    """Answers with a 1..5 score: how many gave each score, their count and average."""

    label: str  # a procedure's title, or a month "2026-12"
    by_score: tuple[tuple[int, int], ...] = field(converter=tuple)  # (5, n) … (1, n)

    @property
    def count(self) -> int:
        return sum(n for _, n in self.by_score)

    @property
    def average(self) -> float | None:
        total = self.count
        return round(sum(s * n for s, n in self.by_score) / total, 2) if total else None

    def share(self, score: int) -> int:
        """The percentage (rounded) that gave `score`."""
        count = dict(self.by_score).get(score, 0)
        return round(100 * count / self.count) if self.count else 0

    @classmethod
    def of(cls, label: str, scores: Iterable[tuple[int, int]]) -> Figure:
        counted = dict.fromkeys(SCORES, 0)
        for score, count in scores:
            counted[score] = counted.get(score, 0) + count
        return cls(label, tuple(sorted(counted.items(), reverse=True)))


@frozen
class SatisfactionOverview:
    overall: Figure
    procedures: tuple[tuple[str, Figure], ...] = field(converter=tuple)  # (procedure id, …)
    months: tuple[Figure, ...] = field(converter=tuple)


def satisfaction_overview(counts: Sequence[ScoreCount],
                          titles: Mapping[str, str]) -> SatisfactionOverview:
    """Per procedure (most answered first), overall, and by month (oldest first)."""
    procedures: dict[str, list[tuple[int, int]]] = {}
    months: dict[str, list[tuple[int, int]]] = {}
    for row in counts:
        procedures.setdefault(row.procedure_id, []).append((row.score, row.count))
        months.setdefault(row.period, []).append((row.score, row.count))
    figures = [(pid, Figure.of(titles.get(pid, pid), scores))
               for pid, scores in procedures.items()]
    figures.sort(key=lambda item: (-item[1].count, item[1].label))
    return SatisfactionOverview(
        overall=Figure.of("すべての手続き", [(r.score, r.count) for r in counts]),
        procedures=figures,
        months=[Figure.of(month, scores) for month, scores in sorted(months.items())])


@frozen
class QuestionResult:
    key: str
    label: str
    choices: tuple[tuple[str, int], ...] = field(converter=tuple)  # a choice question's
    texts: tuple[str, ...] = field(converter=tuple)  # a free-text question's answers
    answered: int = 0


@frozen
class SurveyResults:
    survey_id: str
    title: str
    named: bool
    count: int
    questions: tuple[QuestionResult, ...] = field(converter=tuple)
    scale: Figure | None = None  # the score question's distribution, when it has one
    months: tuple[Figure, ...] = field(converter=tuple, factory=tuple)


def survey_results(survey_id: str, procedure: Procedure | None,
                   replies: Sequence[SurveyReply]) -> SurveyResults:
    """Per question in the order asked (a survey whose procedure is gone: per answer key)."""
    steps = list(procedure.steps) if procedure is not None else _steps_of(replies)
    questions = [_question(step, [r.answers[step.key] for r in replies
                                  if r.answers.get(step.key) not in (None, "")])
                 for step in steps]
    scored = [r for r in replies if r.score is not None]
    has_scale = procedure is None or score_step(procedure.steps) is not None
    months: dict[str, list[tuple[int, int]]] = {}
    for reply in scored:
        months.setdefault(month_of(reply.answered_at), []).append((reply.score or 0, 1))
    return SurveyResults(
        survey_id=survey_id, title=procedure.title if procedure is not None else survey_id,
        named=bool(procedure is not None and procedure.survey is not None
                   and procedure.survey.named),
        count=len(replies), questions=questions,
        scale=Figure.of("回答", [(r.score or 0, 1) for r in scored])
        if has_scale and scored else None,
        months=[Figure.of(month, scores) for month, scores in sorted(months.items())])


def _question(step: Step, values: list[Any]) -> QuestionResult:
    label = step.label or step.question
    if step.answer in (AnswerType.CHOICE, AnswerType.YES_NO):
        options = ([(o.value, o.label) for o in step.choices]
                   if step.answer is AnswerType.CHOICE else [(True, "はい"), (False, "いいえ")])
        counted = [(shown, sum(1 for v in values if v == value)) for value, shown in options]
        known = {value for value, _ in options}
        stray = sum(1 for v in values if v not in known)
        return QuestionResult(step.key, label, counted + ([(_OUT_OF_SCALE, stray)] if stray
                                                          else []), (), len(values))
    if step.answer is AnswerType.PHOTO:
        return QuestionResult(step.key, label, (), (), len(values))
    return QuestionResult(step.key, label, (), [_shown(v) for v in values], len(values))


def _shown(value: Any) -> str:
    if isinstance(value, dict):  # a place
        return str(value.get("address") or f"{value.get('latitude')}, {value.get('longitude')}")
    return str(value)


def _steps_of(replies: Sequence[SurveyReply]) -> list[Step]:
    keys: dict[str, None] = {}
    for reply in replies:
        keys.update(dict.fromkeys(reply.answers))
    return [Step(key=key, question=key, answer=AnswerType.TEXT) for key in keys]
