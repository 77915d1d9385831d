"""Staff read the surveys' results (アンケート, ADR 0059): the results are anonymous, so the
town's figures permission reads them; a named survey's respondents are shown by name only to
those who may see residents, and that look is audited in its transaction. Downloads (CSV,
Excel) are audited too: free text may say more than the town asked."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.conversations.procedures import Procedure
from application.dates import in_japan, japanese_date, japanese_datetime
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.surveys.asking_satisfaction import BENEFIT, CERTIFICATE
from application.surveys.results import (
    SatisfactionOverview,
    SurveyResults,
    satisfaction_overview,
    survey_results,
)
from application.surveys.satisfaction import asks_satisfaction
from domain.access import Permission
from domain.errors import InvalidValue, NotFound
from domain.surveys import SATISFACTION, SCORES

__all__ = ["FORMATS", "NamedReply", "SurveyPage", "SurveyTable", "asking_now", "export_survey",
           "survey_list", "view_satisfaction", "view_survey"]

FORMATS = ("csv", "xlsx")
BUILT_IN_TITLES = {CERTIFICATE: "証明書の請求", BENEFIT: "給付金の申請"}
Procedures = Callable[[str], Procedure | None]  # a procedure id → what runs now (or None)


@frozen
class NamedReply:
    answered_at: str  # as staff read it
    name: str


@frozen
class SurveyPage:
    results: SurveyResults
    respondents: tuple[NamedReply, ...] = ()  # a named survey's, for those who may see them
    names_hidden: bool = False  # named, but the viewer may not see residents


@frozen
class SurveyTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def view_satisfaction(*, actor: Actor, uow: UnitOfWork, procedures: Procedures,
                      since: str = "") -> SatisfactionOverview:
    actor.ensure(Permission.VIEW_DASHBOARD, "アンケートの結果を見ることは")
    with uow:
        counts = uow.queries.surveys.satisfaction_counts(since=since)
    return satisfaction_overview(counts, {pid: _title(pid, procedures)
                                          for pid in {c.procedure_id for c in counts}})


def asking_now(*, uow: UnitOfWork) -> bool:
    """Whether the town asks the satisfaction question now (the administrators' switch)."""
    with uow:
        return asks_satisfaction(uow)


def survey_list(*, actor: Actor, uow: UnitOfWork,
                procedures: Procedures) -> list[tuple[str, str, int]]:
    """(survey id, title, answers) of each custom survey that has answers."""
    actor.ensure(Permission.VIEW_DASHBOARD, "アンケートの結果を見ることは")
    with uow:
        counts = uow.queries.surveys.survey_counts()
    return sorted(((sid, _title(sid, procedures), n) for sid, n in counts.items()),
                  key=lambda item: item[1])


def view_survey(survey_id: str, *, actor: Actor, uow: UnitOfWork, procedures: Procedures,
                clock: Clock) -> SurveyPage:
    actor.ensure(Permission.VIEW_DASHBOARD, "アンケートの結果を見ることは")
    procedure = procedures(survey_id)
    with uow:
        replies = uow.queries.surveys.replies(survey_id)
        if not replies and (procedure is None or procedure.survey is None):
            raise NotFound("そのアンケートはありません。")
        results = survey_results(survey_id, procedure, replies)
        named = [(r.answered_at, r.resident_id) for r in replies if r.resident_id]
        if not named:
            return SurveyPage(results)
        if not actor.may(Permission.VIEW_RESIDENTS):
            return SurveyPage(results, names_hidden=True)
        found = uow.residents.by_ids(sorted({rid for _, rid in named if rid}))
        record(uow, actor, "survey.respondents_viewed", "survey", survey_id,
               at=clock.now(), count=len(named))
        uow.commit()
    return SurveyPage(results, tuple(
        NamedReply(japanese_datetime(at), _name(found.get(rid or ""))) for at, rid in named))


def export_survey(survey_id: str, file_format: str, *, actor: Actor, uow: UnitOfWork,
                  procedures: Procedures, clock: Clock) -> SurveyTable:
    """The answers as a table, one row per answer (the satisfaction question: one row per
    procedure and month, with the count of each score). Never a respondent's digest; a named
    survey's names only for those who may see residents. An anonymous survey's answers carry
    their Japan day only (the moment, or their order, could be matched to the outbox's
    thank-you messages, which name the address); a named survey's, the moment."""
    actor.ensure(Permission.VIEW_DASHBOARD, "アンケートの結果を書き出すことは")
    if file_format not in FORMATS:
        raise InvalidValue("形式は CSV か Excel を選んでください。", code="bad_format")
    with uow:
        if survey_id == SATISFACTION:
            table = _satisfaction_table(uow.queries.surveys.satisfaction_counts(), procedures)
        else:
            table = _survey_table(survey_id, procedures(survey_id),
                                  uow.queries.surveys.replies(survey_id), actor, uow)
        record(uow, actor, "survey.export", "survey", survey_id, at=clock.now(),
               format=file_format, count=len(table.rows))
        uow.commit()
    return table


# -- helpers ---------------------------------------------------------------------------------

def _title(procedure_id: str, procedures: Procedures) -> str:
    procedure = procedures(procedure_id)
    if procedure is not None:
        return procedure.title
    return BUILT_IN_TITLES.get(procedure_id, procedure_id)


def _name(resident: Any) -> str:
    if resident is None:
        return "（削除された住民）"
    if resident.facts is not None:
        return str(resident.facts.name.name)
    return str(resident.resident_number or resident.id)


def _satisfaction_table(counts: Sequence[Any], procedures: Procedures) -> SurveyTable:
    cells: dict[tuple[str, str], dict[int, int]] = {}
    for row in counts:
        cells.setdefault((row.procedure_id, row.period), {})[row.score] = row.count
    header = ("手続きID", "手続き", "月", "回答数", "平均",
              *(f"{score} {label}" for score, label in SCORES.items()))
    rows = []
    for (pid, period), scores in sorted(cells.items()):
        total = sum(scores.values())
        average = sum(s * n for s, n in scores.items()) / total if total else 0
        rows.append((pid, _title(pid, procedures), period, str(total), f"{average:.2f}",
                     *(str(scores.get(score, 0)) for score in SCORES)))
    return SurveyTable(header, tuple(rows))


def _survey_table(survey_id: str, procedure: Procedure | None, replies: Sequence[Any],
                  actor: Actor, uow: UnitOfWork) -> SurveyTable:
    if procedure is None and not replies:
        raise NotFound("そのアンケートはありません。")
    results = survey_results(survey_id, procedure, replies)
    labels = _labels(procedure)
    named = procedure.survey.named if procedure is not None and procedure.survey is not None \
        else any(r.resident_id for r in replies)
    names = actor.may(Permission.VIEW_RESIDENTS) and any(r.resident_id for r in replies)
    found = uow.residents.by_ids(sorted({r.resident_id for r in replies if r.resident_id})) \
        if names else {}
    header = ("回答日時" if named else "回答日", *(["氏名"] if names else []), "評価",
              *(q.label for q in results.questions))
    rows = tuple(
        (japanese_datetime(r.answered_at) if named else japanese_date(r.answered_at),
         *([_name(found.get(r.resident_id)) if r.resident_id else ""] if names else []),
         "" if r.score is None else str(r.score),
         *(_cell(labels.get(q.key, {}), r.answers.get(q.key)) for q in results.questions))
        for r in replies)
    if not named:  # the day only, in no telling order: an exact moment or the order of a
        # day's answers could be matched to the thank-you messages
        days = [in_japan(r.answered_at).date() for r in replies]
        rows = tuple(row for _, row in sorted(zip(days, rows, strict=True)))
    return SurveyTable(header, rows)


def _labels(procedure: Procedure | None) -> dict[str, dict[Any, str]]:
    if procedure is None:
        return {}
    return {step.key: {o.value: o.label for o in step.choices} for step in procedure.steps
            if step.choices}


def _cell(labels: Mapping[Any, str], value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, dict):
        return str(value.get("address") or "")
    return labels.get(value, str(value))


