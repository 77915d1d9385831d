"""Checking a procedure: every problem is said at once, each in its place and in Japanese."""

from __future__ import annotations

import pytest

from application.conversations.checking_procedure import (
    LINE_LIMITS,
    Place,
    Problem,
    ProcedureDraft,
    procedure_problems,
)
from application.conversations.procedures import (
    CONFIRM,
    AnswerType,
    Branch,
    Option,
    Procedure,
    Step,
)
from entrypoints import procedure_wiring

pytestmark = pytest.mark.unit

SHIPPED = sorted(procedure_wiring.SHIPPED, key=lambda p: p.id)


def text(key: str, **kwargs: object) -> Step:
    return Step(key=key, question=f"{key}を教えてください。", answer=AnswerType.TEXT, **kwargs)


def choice(key: str, *options: Option, **kwargs: object) -> Step:
    return Step(key=key, question="どれですか？", answer=AnswerType.CHOICE, choices=options,
                **kwargs)


def draft(*steps: Step, **kwargs: object) -> ProcedureDraft:
    return ProcedureDraft(id="draft", title="下書き", steps=steps, **kwargs)


def places(procedure: ProcedureDraft) -> list[Place]:
    return places_of(procedure_problems(procedure))


def places_of(problems: tuple[Problem, ...]) -> list[Place]:
    return [problem.place for problem in problems]


@pytest.mark.parametrize("procedure", SHIPPED, ids=lambda p: p.id)
def test_every_procedure_the_app_ships_has_no_problem(procedure: Procedure) -> None:
    assert procedure_problems(procedure) == ()


def test_the_line_limits_are_the_ones_the_line_adapter_keeps() -> None:
    from adapters.line import rendering

    assert (LINE_LIMITS.quick_reply_label, LINE_LIMITS.button_label, LINE_LIMITS.postback_data,
            LINE_LIMITS.text) == (rendering.MAX_LABEL, rendering.MAX_LABEL, rendering.MAX_DATA,
                                  rendering.MAX_TEXT)


def test_a_branch_back_to_an_earlier_question_is_a_loop_in_its_place() -> None:
    problems = procedure_problems(draft(
        text("a"), Step(key="b", question="はい？", answer=AnswerType.YES_NO,
                        branches=(Branch(True, CONFIRM), Branch(False, "a")))))
    assert [p.place for p in problems] == [Place("b", branch=1)]
    assert "繰り返し" in problems[0].message and "質問「b」の2番目の分岐" in problems[0].message


def test_a_question_sending_itself_back_to_itself_is_a_loop() -> None:
    problems = procedure_problems(draft(text("a", next="a")))
    assert [p.place for p in problems] == [Place("a")]
    assert "繰り返し" in problems[0].message


def test_a_branch_to_a_question_that_does_not_exist_names_it() -> None:
    problems = procedure_problems(draft(
        choice("a", Option("x", "エックス"), Option("y", "ワイ"),
               branches=(Branch("x", "nowhere"),)), text("b")))
    assert [p.place for p in problems] == [Place("a", branch=0)]
    assert "「nowhere」という質問がありません" in problems[0].message


def test_a_question_no_answer_leads_to_is_unreachable() -> None:
    problems = procedure_problems(draft(text("a", next="c"), text("b"), text("c")))
    assert [p.place for p in problems] == [Place("b")]
    assert "たどり着けません" in problems[0].message


def test_a_question_after_branches_that_cover_every_answer_is_unreachable() -> None:
    problems = procedure_problems(draft(
        Step(key="a", question="はい？", answer=AnswerType.YES_NO,
             branches=(Branch(True, "c"), Branch(False, CONFIRM))), text("b"), text("c")))
    assert places_of(problems) == [Place("b")]


def test_a_skippable_question_still_reaches_what_follows_its_branches() -> None:
    assert procedure_problems(draft(
        Step(key="a", question="はい？", answer=AnswerType.YES_NO, required=False,
             branches=(Branch(True, "c"), Branch(False, CONFIRM))), text("b"), text("c"))) == ()


def test_an_empty_choice_list_is_refused_in_its_place() -> None:
    assert places(draft(choice("a"))) == [Place("a")]


def test_duplicate_choices_are_each_named() -> None:
    problems = procedure_problems(draft(choice(
        "a", Option("x", "エックス"), Option("x", "別"), Option("y", "エックス"))))
    assert places_of(problems) == [Place("a", choice="x"), Place("a", choice="y")]
    assert "値が重複" in problems[0].message and "表示「エックス」が重複" in problems[1].message


def test_duplicate_question_keys_are_refused() -> None:
    problems = procedure_problems(draft(text("a"), text("a")))
    assert places_of(problems) == [Place("a")]
    assert "key が重複" in problems[0].message


def test_labels_and_values_longer_than_line_allows_are_refused_with_the_choice() -> None:
    problems = procedure_problems(draft(choice(
        "a", Option("long", "あ" * 21), Option("v" * 290, "長い値"), Option("ok", "🙂" * 10),
        Option("emoji", "🙂" * 11))))
    assert places_of(problems) == [Place("a", choice="long"), Place("a", choice="v" * 290),
                                   Place("a", choice="emoji")]
    assert "20文字まで" in problems[0].message


def test_a_question_or_a_completion_message_too_long_for_line_is_refused() -> None:
    problems = procedure_problems(draft(
        Step(key="a", question="あ" * 4990, hint="い" * 20, answer=AnswerType.TEXT),
        completion_message="う" * 5001))
    assert places_of(problems) == [Place("a"), Place()]
    assert "5000文字まで" in problems[0].message and "完了時のメッセージ" in problems[1].message


def test_every_problem_is_said_at_once() -> None:
    problems = procedure_problems(draft(
        choice("a", branches=(Branch("x", "nowhere"),)), text("a"), text("b", next="a")))
    # the duplicate key, the empty choice list, the branch to nowhere, the loop, and "b"
    # (the way to it passes through the duplicate "a")
    assert places_of(problems) == [Place("a"), Place("a"), Place("a", branch=0), Place("b"),
                                   Place("b")]


def test_other_rules_are_said_once_the_structure_is_right() -> None:
    problems = procedure_problems(draft(text("a", max_photos=2)))
    assert places_of(problems) == [Place()]
    assert "max_photos" in problems[0].message

