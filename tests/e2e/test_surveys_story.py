"""Surveys end to end (ADR 0059), through the LINE simulator and the staff pages: a finished
お問い合わせ is followed by the satisfaction question; one tap stores an anonymous answer; a
second tap is told 回答済み; next month the question comes again; the town's template survey
is walked and its answers (not a case) show on the results page; the satisfaction overview and
its CSV and Excel downloads; an administrator turns the question off."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient
from freezegun import freeze_time
from sqlalchemy import select

from application.access.actor import Actor
from application.conversations.state import Conversation
from application.procedure_builder.drafting import SaveDraft, save_draft
from application.procedure_builder.importing import ImportTemplate, import_procedure
from application.procedure_builder.publishing import publish_procedure
from application.surveys.satisfaction import ALREADY_ANSWERED, NOT_ASKED, QUESTION, THANKS
from domain.staff import Role
from domain.surveys import SurveyAnswer
from tests.e2e.conftest import Stack
from tests.e2e.staff_support import make_staff, sign_in, token

pytestmark = pytest.mark.e2e

ADMIN = Actor(id="cli:test", role=Role.ADMINISTRATOR, label="cli:test")
TEMPLATE = Path(__file__).resolve().parents[2] / "templates/procedures/satisfaction_survey.json"


def _inquire(stack: Stack, user: str) -> list[str]:
    """An お問い合わせ from the menu to its end; what the resident read after 送信."""
    stack.sim.send_text(user, "メニュー")
    stack.tap(user, "お問い合わせ")
    stack.sim.send_text(user, "山田 花子")
    stack.tap(user, "ごみ・環境")
    stack.sim.send_text(user, "粗大ごみの出し方を知りたいです。")
    stack.tap(user, "いいえ")
    before = len(stack.texts(user))
    stack.tap(user, "はい")
    return stack.texts(user)[before:]


def _button(stack: Stack, user: str, label: str) -> str:
    """The data of a button of the newest satisfaction question in the chat."""
    question = next(m for m in reversed(stack.messages(user)) if m.get("text") == QUESTION)
    [data] = [item["action"]["data"] for item in question["quickReply"]["items"]
              if item["action"]["label"] == label]
    return str(data)


def _tap_question(stack: Stack, user: str, label: str) -> None:
    """A button of the newest satisfaction question in the chat (read earlier, still there)."""
    assert stack.sim.postback(user, _button(stack, user, label), label).status == 200


def _answers(stack: Stack, survey_id: str = "satisfaction") -> list[SurveyAnswer]:
    with stack.container.uow() as uow:
        return list(uow.session.scalars(  # type: ignore[attr-defined]
            select(SurveyAnswer).where(SurveyAnswer.survey_id == survey_id)))


def test_the_question_follows_a_procedure_and_one_tap_answers_it_once_a_month(
        stack: Stack) -> None:
    user = stack.resident()
    stack.sim.follow(user)

    said = _inquire(stack, user)
    assert said[0].startswith("お問い合わせを受け付けました。") and said[-1] == QUESTION
    stack.tap(user, "4 満足")
    assert stack.texts(user)[-1] == THANKS
    [answer] = _answers(stack)
    assert (answer.procedure_id, answer.score, answer.resident_id) == ("contact", 4, None)
    assert len(answer.respondent_key) == 64

    _tap_question(stack, user, "1 とても不満")  # the question's other button: a second tap
    assert stack.texts(user)[-1] == ALREADY_ANSWERED
    assert [a.score for a in _answers(stack)] == [4]
    other = stack.resident("佐藤 一郎")  # someone else with the button's data: not theirs
    stack.sim.follow(other)
    data = _button(stack, user, "1 とても不満")
    assert stack.sim.postback(other, data, "1 とても不満").status == 200
    assert stack.texts(other)[-1] == NOT_ASKED
    assert [a.score for a in _answers(stack)] == [4]
    assert QUESTION not in _inquire(stack, user)  # answered this month: not asked again

    month = answer.answered_at.astimezone(dt.UTC) + dt.timedelta(days=32)
    with freeze_time(month, tick=True):
        assert _inquire(stack, user)[-1] == QUESTION
        stack.tap(user, "2 不満")
        assert stack.texts(user)[-1] == THANKS
    assert sorted(a.score for a in _answers(stack)) == [2, 4]


def _publish_survey(stack: Stack) -> str:
    container = stack.container
    built = import_procedure(ImportTemplate(template=json.loads(TEMPLATE.read_text("utf-8")),
                                            actor=ADMIN, procedure_id=None),
                             uow=container.uow(), clock=container.clock(),
                             shipped=frozenset(container.procedures().builtins))
    save_draft(SaveDraft(template=built.draft, actor=ADMIN, channels=("line",), in_menu=True,
                         menu_label="満足度アンケート", menu_order=1),
               uow=container.uow(), clock=container.clock())
    publish_procedure(built.id, actor=ADMIN, uow=container.uow(), clock=container.clock())
    return built.id


def _walk_survey(stack: Stack, user: str, *, satisfaction: str, comment: str) -> None:
    stack.sim.send_text(user, "メニュー")
    stack.tap(user, "満足度アンケート")
    for label in ("LINE・オンライン申請", satisfaction, "わかりやすい", "短かった", "40代"):
        stack.tap(user, label)
    stack.sim.send_text(user, comment)


def test_a_custom_survey_is_answered_once_and_read_by_staff(stack: Stack,
                                                            client: FlaskClient) -> None:
    survey_id = _publish_survey(stack)
    first, second = stack.resident("山田 花子"), stack.resident("佐藤 一郎")
    for user, satisfaction, comment in ((first, "とても満足", "夜でも申し込めて助かりました。"),
                                        (second, "ふつう", "=HYPERLINK(\"x\")")):
        stack.sim.follow(user)
        _walk_survey(stack, user, satisfaction=satisfaction, comment=comment)
        assert "アンケートにご協力いただき" in stack.texts(user)[-1]
    _walk_survey(stack, first, satisfaction="不満", comment="もう一度")
    assert "回答済み" in stack.texts(first)[-1]

    assert stack.count("cases") == 0
    assert sorted(a.score for a in _answers(stack, survey_id)) == [3, 5]
    assert all(a.resident_id is None for a in _answers(stack, survey_id))
    with stack.container.uow() as uow:  # the chat account keeps no answer of the survey
        kept = uow.session.scalars(  # type: ignore[attr-defined]
            select(Conversation).where(Conversation.procedure_id == survey_id)).all()
        assert kept and all(c.answers == {} and c.history == [] for c in kept)

    make_staff(stack.container, "miru", Role.VIEWER)
    sign_in(client, "miru")
    index = client.get("/staff/surveys").get_data(as_text=True)
    assert "町のサービスの満足度アンケート" in index and f"/staff/surveys/{survey_id}" in index
    page = client.get(f"/staff/surveys/{survey_id}").get_data(as_text=True)
    assert 'data-count>2<' in page and "夜でも申し込めて助かりました。" in page
    assert "<svg" in page and "とても満足" in page and "4.00" in page  # (5 + 3) / 2
    csv = client.get(f"/staff/surveys/{survey_id}/export?format=csv")
    text = csv.data.decode("cp932")
    assert csv.status_code == 200 and "夜でも申し込めて助かりました。" in text
    assert "\"'=HYPERLINK" in text  # a formula is neutralised
    assert "山田" not in text and "respondent" not in text
    assert text.startswith("\"回答日\",") and not re.search(r"\d:\d\d", text)  # the day only


def test_the_overview_its_downloads_and_the_switch(stack: Stack, client: FlaskClient) -> None:
    user = stack.resident()
    stack.sim.follow(user)
    _inquire(stack, user)
    stack.tap(user, "5 とても満足")

    make_staff(stack.container, "kanri", Role.ADMINISTRATOR)
    sign_in(client, "kanri")
    page = client.get("/staff/surveys").get_data(as_text=True)
    assert 'data-procedure="contact"' in page and "5.00" in page and "<svg" in page
    csv = client.get("/staff/surveys/satisfaction/export?format=csv")
    assert csv.status_code == 200 and "contact" in csv.data.decode("cp932")
    xlsx = client.get("/staff/surveys/satisfaction/export?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.data)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:5] == ["手続きID", "手続き", "月", "回答数", "平均"]
    assert rows[1][0] == "contact" and rows[1][3] == "1" and rows[1][5] == "1"
    assert client.get("/staff/surveys/satisfaction/export?format=pdf").status_code == 302

    turned = client.post("/staff/settings/satisfaction",
                         data={"csrf_token": token(client), "on": "0"})
    assert turned.status_code == 302
    other = stack.resident("佐藤 一郎")
    stack.sim.follow(other)
    assert QUESTION not in _inquire(stack, other)
    log = client.get("/staff/audit?action=survey.setting").get_data(as_text=True)
    assert "手続き後の満足度の質問の変更" in log


def test_a_fresh_web_session_cannot_cast_a_rating(stack: Stack, client: FlaskClient) -> None:
    assert client.post("/r/start").status_code == 303
    html = client.get("/r/").get_data(as_text=True)
    token, nonce = (re.search(rf'name="{name}" value="([^"]+)"', html) for name in "tn")
    assert token and nonce
    for n, data in enumerate(("survey:sat:contact:1", "survey:sat:contact:1:0123456789abcdef")):
        client.post("/r/tap", data={"t": token[1], "n": f"{nonce[1]}-{n}", "data": data})

    page = client.get("/r/").get_data(as_text=True)
    assert "この質問にはお答えいただけません。" in page
    assert _answers(stack) == []
