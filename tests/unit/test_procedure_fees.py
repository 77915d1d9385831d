"""A procedure's fee (ADR 0053): what a resident owes for their answers, said with its
calculation; the checks a fee must pass, each in its place; a fee without a payment gateway
refused; the fee in the template format, both ways."""

from __future__ import annotations

import pytest

from application.conversations.checking_procedure import (
    NO_GATEWAY,
    Place,
    ProcedureDraft,
    fee_problems,
    procedure_problems,
)
from application.conversations.fees import MAX_FEE_YEN, Fee
from application.conversations.procedure_templates import (
    TemplateRefused,
    export_template,
    import_template,
)
from application.conversations.procedures import AnswerType, Procedure, Step
from domain.errors import InvalidValue
from domain.values import Money
from entrypoints.containers import Container

pytestmark = pytest.mark.unit

ITEMS = Step(key="items", question="何点ですか？", answer=AnswerType.NUMBER, min_value=1,
             max_value=10, label="点数")
WHAT = Step(key="what", question="何を出しますか？", answer=AnswerType.TEXT, label="品目")
BULKY_FEE = Fee(amount=400, label="粗大ごみ処理手数料", per_answer="items")


def bulky(fee: Fee | None = BULKY_FEE, *steps: Step) -> ProcedureDraft:
    return ProcedureDraft(id="bulky", title="粗大ごみ収集の申込", steps=steps or (WHAT, ITEMS),
                          fee=fee)


def test_a_fee_per_item_multiplies_the_answer_and_says_how() -> None:
    due = BULKY_FEE.due({"what": "たんす", "items": 3})

    assert due.total == Money(1200)
    assert due.calculation() == "粗大ごみ処理手数料: 400円 × 3点 = 1,200円"


def test_a_fixed_fee_is_its_amount_whatever_the_answers() -> None:
    due = Fee(amount=300, label="登録手数料").due({"items": 7})

    assert due.total == Money(300)
    assert due.calculation() == "登録手数料: 300円"


def test_a_per_item_fee_with_no_answer_owes_nothing() -> None:
    assert BULKY_FEE.due({}).total == Money(0)


def test_a_procedure_with_a_sound_fee_has_no_problem() -> None:
    assert procedure_problems(bulky()) == ()
    assert Procedure(id="bulky", title="粗大ごみ", steps=(WHAT, ITEMS), fee=BULKY_FEE).fee \
        == BULKY_FEE


@pytest.mark.parametrize(("fee", "said"), [
    (Fee(amount=0, label="手数料"), "1円以上の整数"),
    (Fee(amount=-5, label="手数料"), "1円以上の整数"),
    (Fee(amount=MAX_FEE_YEN + 1, label="手数料"), "1,000,000円以下"),
    (Fee(amount=400, label=" "), "label"),
    (Fee(amount=400, label="手数料", per_answer="nowhere"), "「nowhere」という質問がありません"),
    (Fee(amount=400, label="手数料", per_answer="what"), "数の質問（number）"),
    (Fee(amount=400_000, label="手数料", per_answer="items"), "最大で4,000,000円"),
])
def test_a_wrong_fee_is_refused_in_its_place_in_japanese(fee: Fee, said: str) -> None:
    [problem] = procedure_problems(bulky(fee))

    assert problem.place == Place(fee=True) and problem.place.text() == "手数料"
    assert said in problem.message
    with pytest.raises(InvalidValue, match=said):
        Procedure(id="bulky", title="粗大ごみ", steps=(WHAT, ITEMS), fee=fee)


def test_a_fee_per_answer_needs_a_question_with_a_maximum() -> None:
    open_ended = Step(key="items", question="何点ですか？", answer=AnswerType.NUMBER)

    [problem] = procedure_problems(bulky(BULKY_FEE, WHAT, open_ended))

    assert "max_value を指定してください" in problem.message


def test_a_fee_without_a_payment_gateway_is_refused_and_with_one_passes() -> None:
    [problem] = fee_problems(bulky(), gateway_configured=False)
    assert problem.place == Place(fee=True) and problem.message == NO_GATEWAY
    assert fee_problems(bulky(), gateway_configured=True) == ()
    assert fee_problems(bulky(fee=None), gateway_configured=False) == ()


def test_the_fee_goes_through_the_template_both_ways() -> None:
    procedure = Procedure(id="bulky", title="粗大ごみ", steps=(WHAT, ITEMS), fee=BULKY_FEE)

    exported = export_template(procedure)

    assert exported["procedure"]["fee"] == {"amount": 400, "label": "粗大ごみ処理手数料",
                                            "per_answer": "items"}
    assert import_template(exported).procedure == procedure
    assert Procedure.from_dict(procedure.to_dict()) == procedure


def test_a_template_with_a_wrong_fee_says_where() -> None:
    exported = export_template(Procedure(id="bulky", title="粗大ごみ", steps=(WHAT, ITEMS),
                                         fee=BULKY_FEE))
    exported["procedure"]["fee"]["per_answer"] = "what"
    with pytest.raises(TemplateRefused, match="手数料の per_answer「what」"):
        import_template(exported)
    exported["procedure"]["fee"] = {"amount": 400, "label": "手数料", "yen": 1}
    with pytest.raises(TemplateRefused, match=r"\$\.procedure\.fee\.yen"):
        import_template(exported)


@pytest.mark.parametrize(("provider", "configured"), [("fake", True), ("paypay", True),
                                                      ("", False)])
def test_the_container_says_whether_the_town_has_a_gateway(provider: str,
                                                           configured: bool) -> None:
    container = Container()
    container.config.payment_provider.from_value(provider)

    assert container.payment_gateway_configured() is configured
