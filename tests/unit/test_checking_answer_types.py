"""The builder's new question features checked like the rest (every problem at once, in place,
in Japanese) and carried by templates: phone, e-mail and address answers, dates from a
calendar, and facts the town holds on the answer types that can take them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from application.conversations.checking_procedure import (
    Place,
    ProcedureDraft,
    procedure_problems,
)
from application.conversations.procedure_templates import export_template, import_template
from application.conversations.procedures import AnswerType, Procedure, Step
from domain.errors import InvalidValue
from tests.unit.test_procedure_templates import SCHEMA, violations

pytestmark = pytest.mark.unit


def date(key: str = "day", **kwargs: Any) -> Step:
    return Step(key=key, question="いつですか？", answer=AnswerType.DATE, **kwargs)


def problems_of(*steps: Step) -> list[tuple[Place, str]]:
    draft = ProcedureDraft(id="draft", title="下書き", steps=steps)
    return [(p.place, p.message) for p in procedure_problems(draft)]


BULKY = Procedure(id="bulky", title="粗大ごみ収集の申込", steps=(
    Step(key="name", label="お名前", answer=AnswerType.TEXT, question="お名前は？", known="name"),
    Step(key="address", label="住所", answer=AnswerType.ADDRESS, question="収集場所の住所は？",
         known="address"),
    Step(key="born", label="生年月日", answer=AnswerType.DATE, question="生年月日は？",
         known="birth_date", not_future=True),
    Step(key="phone", label="電話番号", answer=AnswerType.PHONE, question="電話番号は？"),
    Step(key="email", label="メール", answer=AnswerType.EMAIL, question="メールは？",
         required=False),
    date(label="収集日", weekdays=(2, 4), min_days_ahead=3, offer_dates=6),
))


@pytest.mark.parametrize(("step", "said"), [
    (date(weekdays=(7,)), "質問「day」の weekdays は 0（月曜日）から 6（日曜日）の整数の一覧"),
    (date(weekdays=(-1,)), "質問「day」の weekdays は 0（月曜日）から 6"),
    (date(weekdays=(2, 2)), "質問「day」の weekdays に同じ曜日が重複しています。"),
    (date(offer_dates=0), "質問「day」の offer_dates は 1 から 10 の整数"),
    (date(offer_dates=11), "LINE のボタンはスキップ・戻る・やめるとあわせて13個まで"),
    (date(min_days_ahead=-1), "質問「day」の min_days_ahead は 0 から 366 の整数"),
    (date(not_future=True, min_days_ahead=1), "not_future と weekdays・min_days_ahead"),
    (Step(key="day", question="?", answer=AnswerType.TEXT, min_days_ahead=2),
     "質問「day」の min_days_ahead は日付の質問にだけ使えます（この質問は text）。"),
    (Step(key="day", question="?", answer=AnswerType.TEXT, weekdays=(1,)),
     "質問「day」の weekdays・offer_dates は日付の質問にだけ使えます。"),
    (Step(key="day", question="?", answer=AnswerType.NUMBER, offer_dates=3),
     "質問「day」の weekdays・offer_dates は日付の質問にだけ使えます。"),
])
def test_a_calendar_that_cannot_work_is_a_problem_in_its_place(step: Step, said: str) -> None:
    [(place, message)] = problems_of(step)

    assert place == Place("day")
    assert said in message


@pytest.mark.parametrize(("step", "said"), [
    (Step(key="day", question="?", answer=AnswerType.TEXT, known="birth_date"),
     "質問「day」の known「birth_date」は答えの種類が date の質問にだけ使えます。"),
    (Step(key="day", question="?", answer=AnswerType.PHONE, known="address"),
     "質問「day」の known「address」は答えの種類が address・text の質問にだけ使えます。"),
    (Step(key="day", question="?", answer=AnswerType.DATE, known="name"),
     "質問「day」の known「name」は答えの種類が text の質問にだけ使えます。"),
    (Step(key="day", question="?", answer=AnswerType.TEXT, known="phone"),
     "質問「day」の known「phone」はありません（name、kana、address、birth_date のどれかに"),
])
def test_a_known_fact_on_an_answer_type_that_cannot_hold_it_is_a_problem(
        step: Step, said: str) -> None:
    [(place, message)] = problems_of(step)

    assert place == Place("day") and said in message


def test_a_procedure_that_breaks_a_calendar_rule_cannot_be_built() -> None:
    with pytest.raises(InvalidValue, match="offer_dates は 1 から 10"):
        Procedure(id="p", title="t", steps=(date(offer_dates=12),))


def test_the_new_answer_types_and_fields_pass_the_checks() -> None:
    assert problems_of(*BULKY.steps) == []


def test_a_template_with_the_new_answer_types_and_a_calendar_survives_export_and_import() -> None:
    exported = json.loads(json.dumps(export_template(BULKY), ensure_ascii=False))

    assert exported["procedure"]["steps"][5] == {
        "key": "day", "question": "いつですか？", "answer": "date", "label": "収集日",
        "weekdays": [2, 4], "min_days_ahead": 3, "offer_dates": 6}
    assert import_template(exported).procedure == BULKY
    assert violations(exported, SCHEMA) == []


@pytest.mark.parametrize(("weekdays", "said"), [
    ("2", "weekdays は一覧で指定してください"),
    (["水"], "weekdays は 0（月曜日）から 6（日曜日）の整数の一覧で指定してください"),
    ([True], "weekdays は 0（月曜日）から 6（日曜日）の整数の一覧で指定してください"),
])
def test_a_template_with_weekdays_that_are_not_numbers_is_refused_with_its_path(
        weekdays: Any, said: str) -> None:
    data = json.loads(json.dumps(export_template(BULKY), ensure_ascii=False))
    data["procedure"]["steps"][5]["weekdays"] = weekdays

    with pytest.raises(InvalidValue) as refused:
        import_template(data)

    assert said in refused.value.message and "$.procedure.steps[5]" in refused.value.message
