"""Survey answers on a real database (SQLite, and PostgreSQL in CI, ADR 0059): one per survey,
procedure, respondent and period, enforced by the database; the answers encrypted at rest; the
queries count scores per procedure and month and never return the respondent's digest."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.messagebus import MessageBus
from application.ports.unit_of_work import DuplicateError
from domain.surveys import SurveyAnswer

pytestmark = pytest.mark.integration

JUNE = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)
JULY = dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)  # 1 July 1:00 in Japan


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), MessageBus({}))


def _rated(id: str, *, who: str = "k1", procedure: str = "contact", score: int = 4,
           at: dt.datetime = JUNE) -> SurveyAnswer:
    return SurveyAnswer.satisfaction(id=id, procedure_id=procedure, respondent_key=who * 32,
                                     score=score, channel="line", at=at)


def _store(engine: Engine, *answers: SurveyAnswer) -> None:
    with _uow(engine) as uow:
        for answer in answers:
            uow.survey_answers.add(answer)
        uow.commit()


def test_one_answer_per_person_procedure_and_month(engine: Engine) -> None:
    _store(engine, _rated("a1"))

    with pytest.raises(DuplicateError):
        _store(engine, _rated("a2", score=1))
    _store(engine, _rated("a3", at=JULY), _rated("a4", procedure="report"),
           _rated("a5", who="k2"))

    with _uow(engine) as uow:
        assert uow.survey_answers.answered("satisfaction", "contact", "k1" * 32, "2026-06")
        assert uow.survey_answers.answered("satisfaction", "contact", "k1" * 32, "2026-07")
        assert not uow.survey_answers.answered("satisfaction", "contact", "k3" * 32, "2026-06")


def test_scores_are_counted_per_procedure_month_and_score(engine: Engine) -> None:
    _store(engine, _rated("a1", score=5), _rated("a2", who="k2", score=5),
           _rated("a3", who="k3", score=2), _rated("a4", at=JULY, score=3),
           _rated("a5", procedure="certificate", score=1))

    with _uow(engine) as uow:
        counts = uow.queries.surveys.satisfaction_counts()
        since_july = uow.queries.surveys.satisfaction_counts(since="2026-07")

    assert [(c.procedure_id, c.period, c.score, c.count) for c in counts] == [
        ("certificate", "2026-06", 1, 1), ("contact", "2026-06", 2, 1),
        ("contact", "2026-06", 5, 2), ("contact", "2026-07", 3, 1)]
    assert [(c.period, c.score) for c in since_july] == [("2026-07", 3)]


def test_a_custom_surveys_answers_are_encrypted_and_read_back_without_the_digest(
        engine: Engine) -> None:
    _store(engine, SurveyAnswer.custom(
        id="c1", survey_id="town_survey", respondent_key="k1" * 32, channel="line", at=JUNE,
        answers={"satisfaction": "4", "comment": "窓口が親切でした。"}, score=4),
        SurveyAnswer.custom(id="c2", survey_id="town_survey", respondent_key="k2" * 32,
                            channel="web", at=JULY, answers={"comment": "早かった"},
                            resident_id="r1"))

    with engine.connect() as connection:
        raw = connection.execute(text("select answers from survey_answers where id = 'c1'"))
        assert "窓口" not in str(raw.scalar_one())
    with _uow(engine) as uow:
        replies = uow.queries.surveys.replies("town_survey")
        counts = uow.queries.surveys.survey_counts()
        with pytest.raises(DuplicateError):
            uow.survey_answers.add(SurveyAnswer.custom(
                id="c3", survey_id="town_survey", respondent_key="k1" * 32, channel="line",
                at=JULY, answers={}))
            uow.commit()

    assert counts == {"town_survey": 2}
    assert [(r.score, dict(r.answers), r.resident_id) for r in replies] == [
        (4, {"satisfaction": "4", "comment": "窓口が親切でした。"}, None),
        (None, {"comment": "早かった"}, "r1")]
    assert not any("k1" in str(value) for r in replies for value in (r.answers, r.resident_id))
