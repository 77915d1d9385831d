"""Surveys built as procedures, on fakes (ADR 0059): the template field and the builder's checks;
a finished survey stores its answers (anonymous unless named, once per person) instead of
opening a case; the results page's figures per question, scale and month."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from application.access.actor import Actor
from application.cases.opening_case import CaseDesk
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.menu import Menu, MenuEntry
from application.channels.routing import InboundRouter
from application.conversations.engine import ConversationEngine
from application.conversations.procedure_templates import (
    TemplateRefused,
    export_template,
    import_template,
)
from application.conversations.procedures import Procedure
from application.messagebus import MessageBus
from application.messaging.codec import messages_from_json
from application.ports.survey_queries import ScoreCount, SurveyReply
from application.surveys.answering_survey import ALREADY_ANSWERED_SURVEY
from application.surveys.respondents import RespondentKeys
from application.surveys.results import satisfaction_overview, survey_results
from application.surveys.viewing_surveys import SurveyTable, export_survey
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue
from domain.staff import Role
from domain.surveys import SurveyAnswer
from tests.fakes import JST, FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster
from tests.unit.test_inbound_routing import NoIdentityProvider

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
KEYS = RespondentKeys(b"a survey secret of the town, 32b")
ADMIN = Actor(id="cli:test", role=Role.ADMINISTRATOR, label="cli:test")
CLOCK = FakeClock(dt.datetime(2026, 6, 10, 9, 0, tzinfo=JST))


def _template(**survey: Any) -> dict[str, Any]:
    return {"format": "madoguchi.procedure", "version": 1, "procedure": {
        "id": "town_survey", "title": "窓口アンケート", "confirm": False,
        "completion_message": "ご協力ありがとうございました。",
        "survey": survey or {"named": False},
        "steps": [
            {"key": "how", "question": "どの窓口ですか？", "answer": "choice", "label": "窓口",
             "choices": [{"value": "a", "label": "住民課"}, {"value": "b", "label": "税務課"}]},
            {"key": "rating", "question": "評価してください", "answer": "choice",
             "label": "評価", "choices": [{"value": str(n), "label": f"{n}点"}
                                          for n in range(5, 0, -1)]},
            {"key": "comment", "question": "ご意見", "answer": "text", "label": "ご意見",
             "required": False}]}}


SURVEY = import_template(_template()).procedure


# -- the template field and the builder's checks ----------------------------------------------

def test_the_survey_field_survives_export_and_import() -> None:
    named = import_template(_template(named=True)).procedure

    assert named.survey is not None and named.survey.named is True
    assert import_template(json.loads(json.dumps(export_template(named)))).procedure == named
    assert Procedure.from_dict(SURVEY.to_dict()).survey == SURVEY.survey


@pytest.mark.parametrize(("change", "said"), [
    (lambda p: p.update(fee={"amount": 100, "label": "手数料"}), "手数料を設定できません"),
    (lambda p: p.update(submits=False), "案内（受け付けない手続き）はアンケートにできません"),
    (lambda p: p["steps"].append({"key": "satisfaction", "question": "満足？",
                                  "answer": "text"}), "値が 1 から 5 の選択式"),
    (lambda p: p["steps"].append({"key": "name", "question": "氏名", "answer": "text",
                                  "known": "name"}), "known）を使えません"),
    (lambda p: p.update(survey={"named": "yes"}), "true か false"),
    (lambda p: p.update(survey={"anonymous": True}), "知らない項目"),
])
def test_the_builder_refuses_a_survey_it_cannot_count(change: Any, said: str) -> None:
    template = _template()
    change(template["procedure"])

    with pytest.raises(TemplateRefused) as refused:
        import_template(template)

    assert said in refused.value.message


def test_a_named_survey_may_use_what_the_town_knows() -> None:
    template = _template(named=True)
    template["procedure"]["steps"].append({"key": "name", "question": "氏名", "answer": "text",
                                           "known": "name"})

    assert import_template(template).procedure.survey is not None


def test_the_library_satisfaction_template_is_an_anonymous_survey() -> None:
    data = json.loads((ROOT / "templates/procedures/satisfaction_survey.json").read_text("utf-8"))

    procedure = import_template(data).procedure

    assert procedure.survey is not None and procedure.survey.named is False


def test_an_answer_outside_the_scale_is_refused() -> None:
    with pytest.raises(InvalidValue):
        SurveyAnswer.satisfaction(id="a", procedure_id="contact", respondent_key="k",
                                  score=6, channel="line", at=CLOCK.now())


# -- a finished survey -------------------------------------------------------------------------

@pytest.fixture
def database() -> FakeDatabase:
    return FakeDatabase(MessageBus({}))


def _router(procedure: Procedure) -> InboundRouter:
    procedures = {procedure.id: procedure}
    return InboundRouter(
        engine=ConversationEngine(procedures, CLOCK, FakeBankMaster()),
        menu=Menu("試験町", [MenuEntry(procedure.id, "アンケート")]), handlers=[],
        identity_provider=NoIdentityProvider(), status=lambda identity, *, uow: [],
        ids=SequentialIds("x"), clock=CLOCK,
        cases=CaseDesk(procedures, FakeBankMaster(), respondents=KEYS))


def _answer(database: FakeDatabase, router: InboundRouter, *, user: str = "U1") -> list[str]:
    said: list[str] = []
    for text in ("アンケート", "住民課", "4点", "丁寧でした"):
        before = set(database.tables["outbox"])
        event = InboundEvent(channel="line", external_id=f"e{len(database.tables['inbox'])}",
                             address=user, kind=InboundKind.TEXT, occurred_at=CLOCK.now(),
                             text=text)
        assert router.handle(event, uow=FakeUnitOfWork(database))
        said = [m.text for key, row in database.tables["outbox"].items() if key not in before
                for m in messages_from_json(row.payload["messages"])]
    return said


def _link(database: FakeDatabase, user: str, resident_id: str) -> None:
    with FakeUnitOfWork(database) as uow:
        identity = ChannelIdentity.first_seen(id=f"i-{user}", channel="line", address=user,
                                              at=CLOCK.now())
        identity.link(resident_id)
        uow.channel_identities.add(identity)
        uow.commit()


def test_a_finished_survey_is_stored_anonymously_and_opens_no_case(
        database: FakeDatabase) -> None:
    _link(database, "U1", "r1")

    said = _answer(database, _router(SURVEY))

    assert said == ["ご協力ありがとうございました。"]
    assert database.tables["cases"] == {}
    [answer] = database.tables["survey_answers"].values()
    assert (answer.survey_id, answer.procedure_id, answer.period, answer.score) == (
        "town_survey", "", "", 4)
    assert answer.answers == {"how": "a", "rating": "4", "comment": "丁寧でした"}
    assert answer.resident_id is None and "r1" not in answer.respondent_key
    [conversation] = database.tables["conversations"].values()  # the chat keeps no answer
    assert (conversation.identity_id, conversation.answers, conversation.history) == (
        "i-U1", {}, [])


def test_a_named_survey_keeps_who_answered(database: FakeDatabase) -> None:
    _link(database, "U1", "r1")

    _answer(database, _router(import_template(_template(named=True)).procedure))

    [answer] = database.tables["survey_answers"].values()
    assert answer.resident_id == "r1"
    [conversation] = database.tables["conversations"].values()
    assert conversation.answers == {}  # kept with the survey's answer only


def test_a_survey_is_answered_once_per_person(database: FakeDatabase) -> None:
    router = _router(SURVEY)
    _answer(database, router)

    assert _answer(database, router) == [ALREADY_ANSWERED_SURVEY]
    assert all(c.answers == {} for c in database.tables["conversations"].values())
    _answer(database, router, user="U2")
    assert len(database.tables["survey_answers"]) == 2


def _exported(database: FakeDatabase, procedure: Procedure) -> SurveyTable:
    return export_survey(procedure.id, "csv", actor=ADMIN, uow=FakeUnitOfWork(database),
                         procedures={procedure.id: procedure}.get, clock=CLOCK)


def test_an_anonymous_surveys_download_gives_the_day_not_the_moment(
        database: FakeDatabase) -> None:
    router = _router(SURVEY)
    _answer(database, router)
    _answer(database, router, user="U2")

    table = _exported(database, SURVEY)

    assert table.header[0] == "回答日"
    assert [row[0] for row in table.rows] == ["2026年6月10日"] * 2


def test_a_named_surveys_download_keeps_the_moment(database: FakeDatabase) -> None:
    named = import_template(_template(named=True)).procedure
    _link(database, "U1", "r1")
    _answer(database, _router(named))

    table = _exported(database, named)

    assert table.header[0] == "回答日時" and "9:00" in table.rows[0][0]


# -- the figures ---------------------------------------------------------------------------------

def test_the_overview_averages_per_procedure_and_month() -> None:
    overview = satisfaction_overview(
        [ScoreCount("contact", "2026-05", 5, 3), ScoreCount("contact", "2026-06", 1, 1),
         ScoreCount("certificate", "2026-06", 4, 1)], {"contact": "お問い合わせ"})

    assert [(pid, f.label, f.count, f.average) for pid, f in overview.procedures] == [
        ("contact", "お問い合わせ", 4, 4.0), ("certificate", "certificate", 1, 4.0)]
    assert (overview.overall.count, overview.overall.average) == (5, 4.0)
    assert overview.overall.by_score == ((5, 3), (4, 1), (3, 0), (2, 0), (1, 1))
    assert overview.overall.share(5) == 60
    assert [(m.label, m.count, m.average) for m in overview.months] == [
        ("2026-05", 3, 5.0), ("2026-06", 2, 2.5)]


def test_a_surveys_results_per_question_scale_and_month() -> None:
    may, june = (dt.datetime(2026, m, 10, 3, 0, tzinfo=dt.UTC) for m in (5, 6))
    replies = [SurveyReply(may, 5, {"how": "a", "rating": "5", "comment": "早い"}, None),
               SurveyReply(june, 2, {"how": "a", "rating": "2"}, None),
               SurveyReply(june, None, {"how": "z"}, None)]

    results = survey_results("town_survey", SURVEY, replies)

    how, rating, comment = results.questions
    assert how.choices == (("住民課", 2), ("税務課", 0), ("（選択肢にない回答）", 1))
    assert rating.choices[0] == ("5点", 1) and comment.texts == ("早い",)
    assert results.scale is not None and results.scale.average == 3.5
    assert [(m.label, m.average) for m in results.months] == [("2026-05", 5.0),
                                                              ("2026-06", 2.0)]
    assert results.count == 3 and results.named is False
