"""Procedures as data: JSON templates round-trip, and a broken template says what is wrong."""

from __future__ import annotations

import copy
import datetime as dt
import json
from typing import Any

import pytest

from application.associations.desk import ASSOCIATION_JOIN
from application.benefits.account_dialog import BENEFIT_ACCOUNT
from application.cases.consultation_procedure import CONSULTATION
from application.certificates.procedure import CERTIFICATE
from application.channels.contacts import CONTACT_ADD, CONTACT_CODE
from application.conversations.library import CONTACT, REPORT
from application.conversations.procedures import (
    CONFIRM,
    AnswerType,
    Branch,
    Option,
    Procedure,
    Step,
)
from domain.errors import InvalidValue
from entrypoints import procedure_wiring

pytestmark = pytest.mark.unit

EVERYTHING = Procedure(
    id="everything.v1", title="全部入り", confirm=False, ttl_minutes=60,
    completion_message="{answers.name}さん、ありがとうございました。",
    steps=(
        Step(key="name", label="氏名", question="お名前は？", answer=AnswerType.TEXT,
             min_length=1, max_length=40, pattern=r"\S+( \S+)?", pattern_message="氏名を入力",
             hint="例: 山田 太郎"),
        Step(key="kind", question="種類は？", answer=AnswerType.CHOICE,
             choices=(Option("a", "A"), Option("b", "B")),
             branches=(Branch("b", "born"),)),
        Step(key="count", question="人数は？", answer=AnswerType.NUMBER, min_value=1,
             max_value=9, branches=(Branch(3, CONFIRM),)),
        Step(key="born", question="生年月日は？", answer=AnswerType.DATE, not_future=True,
             min_date=dt.date(1900, 1, 1), max_date=dt.date(2100, 12, 31), next="agree"),
        Step(key="skipped", question="飛ばされる", answer=AnswerType.TEXT, required=False),
        Step(key="agree", question="同意しますか？", answer=AnswerType.YES_NO,
             branches=(Branch(False, CONFIRM),)),
        Step(key="bank", question="金融機関は？", answer=AnswerType.BANK),
        Step(key="branch", question="支店は？", answer=AnswerType.BRANCH, bank_step="bank"),
        Step(key="photo", question="写真は？", answer=AnswerType.PHOTO, required=False,
             branches=(Branch(None, CONFIRM),)),
    ),
)


@pytest.mark.parametrize("procedure", [CONTACT, EVERYTHING, BENEFIT_ACCOUNT],
                         ids=["contact", "everything", "benefit_account"])
def test_a_procedure_survives_a_trip_through_json(procedure: Procedure) -> None:
    template = json.dumps(procedure.to_dict(), ensure_ascii=False)

    assert Procedure.from_dict(json.loads(template)) == procedure


def test_a_template_leaves_out_what_is_left_at_its_default() -> None:
    step = CONTACT.to_dict()["steps"][0]

    assert step == {"key": "name", "question": "お名前を教えてください。", "answer": "text",
                    "label": "お名前", "max_length": 50, "known": "name"}


@pytest.mark.parametrize(("known", "answer"), [("my_number", "text"), ("name", "date")])
def test_a_known_fact_must_be_one_the_town_holds_on_a_text_question(known: str,
                                                                    answer: str) -> None:
    with pytest.raises(InvalidValue, match="known"):
        Procedure.from_dict({"id": "x", "title": "x", "steps": [
            {"key": "a", "question": "?", "answer": answer, "known": known}]})


def test_the_catalogue_registers_each_shipped_procedure_under_its_id() -> None:
    assert procedure_wiring.procedure_catalogue(None).builtins == {
        "contact": CONTACT, "report": REPORT, "benefit_account": BENEFIT_ACCOUNT,
        "certificate": CERTIFICATE, "contact_add": CONTACT_ADD, "contact_code": CONTACT_CODE,
        "consultation": CONSULTATION, "association_join": ASSOCIATION_JOIN}


def _broken(change: Any) -> dict[str, Any]:
    template = copy.deepcopy(EVERYTHING.to_dict())
    change(template)
    return template


def _step(template: dict[str, Any], key: str) -> dict[str, Any]:
    return next(s for s in template["steps"] if s["key"] == key)


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t["steps"].append(dict(t["steps"][0])), "key「name」が重複"),
    (lambda t: _step(t, "born").update(next="nowhere"), "行き先「nowhere」"),
    (lambda t: _step(t, "born").update(next="name"), "行き先「name」は後ろにある質問"),
    (lambda t: _step(t, "kind").update(choices=[]), "選択肢がありません"),
    (lambda t: _step(t, "kind")["choices"].append({"value": "$x", "label": "X"}), "$ で始め"),
    (lambda t: _step(t, "kind")["choices"].append({"value": "v" * 286, "label": "V"}),
     "285文字以内"),
    (lambda t: _step(t, "kind")["choices"].append({"value": "c", "label": "あ" * 21}),
     "20文字以内"),
    (lambda t: _step(t, "kind")["choices"].append({"value": "a", "label": "A2"}),
     "値「a」が重複"),
    (lambda t: _step(t, "kind").update(
        choices=[{"value": f"v{n}", "label": f"{n}"} for n in range(61)]), "60個まで"),
    (lambda t: _step(t, "kind").update(branches=[{"when_value": "z", "goto": "born"}]),
     "when_value「z」は選択肢の値"),
    (lambda t: _step(t, "agree").update(branches=[{"when_value": "no", "goto": CONFIRM}]),
     "true か false"),
    (lambda t: _step(t, "kind").update(branches=[{"goto": "born"}]), "when_value がありません"),
    (lambda t: _step(t, "name").update(colour="red"), "知らない項目があります: colour"),
    (lambda t: t.update(owner="町"), "知らない項目があります: owner"),
    (lambda t: _step(t, "name").update(answer="signature"), "answer は text、choice"),
    (lambda t: _step(t, "name").update(question="{answers.kind}は？"), "前の質問を指していません"),
    (lambda t: _step(t, "branch").pop("bank_step"), "bank_step には前にある金融機関"),
    (lambda t: _step(t, "branch").update(bank_step="name"), "bank_step には前にある金融機関"),
    (lambda t: _step(t, "name").update(min_value=1), "（text）には min_value は使えません"),
    (lambda t: _step(t, "name").update(pattern="(["), "正しい正規表現"),
    (lambda t: _step(t, "name").update(check="my_number"), "check「my_number」はありません"),
    (lambda t: _step(t, "count").update(check="account_number"),
     "（number）には check は使えません"),
    (lambda t: _step(t, "name").update(min_length=50), "min_length が max_length より大きく"),
    (lambda t: _step(t, "born").update(min_date="2026/04/01"), "2026-04-01 の形"),
    (lambda t: _step(t, "count").update(max_value="9"), "max_value は整数"),
    (lambda t: t.update(ttl_minutes=0), "ttl_minutes は 1 から"),
    (lambda t: t.update(steps=[]), "質問が一つもありません"),
    (lambda t: t.update(id="町の 手続き"), "id は英数字"),
    (lambda t: t.update(format=2), "format 2"),
    (lambda t: t.update(completion_message="{answers.nobody}"), "{answers.nobody} に当たる質問"),
    (lambda t: _step(t, "kind").update(branches=[{"when_value": None, "goto": "born"}]),
     "省略できないため"),
])
def test_a_broken_template_is_refused_with_a_reason(change: Any, message: str) -> None:
    with pytest.raises(InvalidValue) as error:
        Procedure.from_dict(_broken(change))
    assert message in error.value.message


def test_a_procedure_built_in_code_is_checked_the_same_way() -> None:
    with pytest.raises(InvalidValue, match="選択肢がありません"):
        Procedure(id="p", title="t", steps=(Step(key="c", question="?",
                                                 answer=AnswerType.CHOICE),))


def test_the_next_question_follows_branches_then_next_then_order() -> None:
    kind, count, born = (EVERYTHING.step(key) for key in ("kind", "count", "born"))

    assert EVERYTHING.next_key(kind, "b") == "born"
    assert EVERYTHING.next_key(kind, "a") == "count"
    assert EVERYTHING.next_key(count, 3) == CONFIRM
    assert EVERYTHING.next_key(born, "2000-01-01") == "agree"
    assert EVERYTHING.next_key(EVERYTHING.step("photo"), "ref") == CONFIRM


def test_a_yes_no_branch_does_not_confuse_true_with_one() -> None:
    branch = Branch(True, "x")

    assert branch.matches(True) and not branch.matches(1) and not Branch(1, "x").matches(True)
