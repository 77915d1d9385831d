"""Checking a procedure for the builder and for template import: every problem, each with its
exact place (the question, the choice, the branch) and a Japanese message for the staff member
who wrote it. `checks.check_procedure` refuses at the first problem when a `Procedure` is built;
this module reads a draft that may be wrong in many places and says all of them at once.

LINE's limits are kept here as data (the same numbers as adapters/line/rendering.py), so the
application knows what LINE would refuse without importing an adapter.
"""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.conversations.checks import (
    CheckedProcedure,
    calendar_problem,
    check_procedure,
    known_problem,
)
from application.conversations.fees import Fee, fee_errors
from application.conversations.steps import CONFIRM, AnswerType, Step
from application.conversations.survey_field import Survey, survey_errors
from domain.errors import InvalidValue

__all__ = ["LINE_LIMITS", "NO_GATEWAY", "LineLimits", "Place", "Problem", "ProcedureDraft",
           "fee_problems", "procedure_problems"]

NO_GATEWAY = ("手数料がありますが、町の決済サービス（PayPay など）が設定されていないため、"
              "住民が支払えません。決済サービスを設定するか、手数料をなくしてください。")


@frozen
class LineLimits:
    """What LINE accepts (Messaging API), in UTF-16 code units as LINE counts them."""

    quick_reply_label: int = 20
    button_label: int = 20
    postback_data: int = 300
    text: int = 5000


LINE_LIMITS = LineLimits()
# A choice's postback is "dlg:{turn}:{value}" (postbacks.py); 10 digits are kept for the turn.
_POSTBACK_OVERHEAD = len("dlg:") + 10 + len(":")


@frozen
class Place:
    """Where a problem is: the procedure itself, its fee, a question, one of its choices or
    branches."""

    step: str | None = None
    choice: str | None = None
    branch: int | None = None  # the branch's position in the question, from 0
    fee: bool = False  # the procedure's fee (手数料)

    def text(self) -> str:
        if self.fee:
            return "手数料"
        if self.step is None:
            return "手続き"
        where = f"質問「{self.step}」"
        if self.choice is not None:
            return f"{where}の選択肢「{self.choice}」"
        if self.branch is not None:
            return f"{where}の{self.branch + 1}番目の分岐"
        return where


@frozen
class Problem:
    place: Place
    message: str  # Japanese, and names the place


@frozen
class ProcedureDraft:
    """A procedure as staff are writing it (or as a template says it): not checked when built,
    so it can be wrong; `procedure_problems` says how. A `Procedure` is built from it once it is
    right."""

    id: str
    title: str
    steps: tuple[Step, ...] = field(converter=tuple)
    confirm: bool = True
    completion_message: str = "受け付けました。ありがとうございました。"
    ttl_minutes: int = 30
    requires_verification: bool = False
    verification_max_age_days: int | None = None
    capacity: int | None = None
    submits: bool = True
    fee: Fee | None = None
    survey: Survey | None = None


def procedure_problems(procedure: CheckedProcedure,
                       limits: LineLimits = LINE_LIMITS) -> tuple[Problem, ...]:
    """Every problem of the procedure: duplicate keys, a branch to nowhere, a loop, an unreachable
    question, an empty or duplicate choice list, a label or message longer than LINE allows.
    When none of these is found, the remaining rules of `check_procedure` run (answer types,
    rules per type, placeholders...) and the first one broken is said too."""
    steps = list(procedure.steps)
    problems: list[Problem] = []
    order: dict[str, int] = {}
    for index, step in enumerate(steps):
        if step.key in order:
            problems.append(_problem(Place(step.key), "key が重複しています（質問の key は一つずつ"
                                     "別の名前にしてください）。"))
        else:
            order[step.key] = index
    for index, step in enumerate(steps):
        problems.extend(_step_problems(step, index, order, limits))
    problems.extend(_unreachable(steps, order))
    if _units(procedure.completion_message) > limits.text:
        problems.append(_problem(Place(), f"完了時のメッセージが長すぎます（LINE では{limits.text}"
                                 "文字まで）。"))
    problems.extend(Problem(Place(fee=True), message)
                    for message in fee_errors(procedure.fee, steps))
    problems.extend(Problem(Place(), message) for message in survey_errors(
        procedure.survey, steps=steps, submits=procedure.submits,
        has_fee=procedure.fee is not None))
    if not problems:
        try:
            check_procedure(procedure)
        except InvalidValue as error:
            problems.append(Problem(Place(), error.message))
    return tuple(problems)


def fee_problems(procedure: CheckedProcedure, *,
                 gateway_configured: bool) -> tuple[Problem, ...]:
    """What the town must have for the procedure's fee: a payment gateway to take it. The
    builder and publishing call it with the container's `payment_gateway_configured`; a
    template is imported without it (another town's gateway is not this one's)."""
    if procedure.fee is None or gateway_configured:
        return ()
    return (Problem(Place(fee=True), NO_GATEWAY),)


def _problem(place: Place, message: str) -> Problem:
    return Problem(place, f"{place.text()}の{message}" if place.step else f"{message}")


def _units(text: str) -> int:
    """The length as LINE counts it (UTF-16 code units: an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2 if isinstance(text, str) else 0


def _step_problems(step: Step, index: int, order: dict[str, int],
                   limits: LineLimits) -> list[Problem]:
    problems: list[Problem] = []
    here = Place(step.key)
    prompt = f"{step.question}\n{step.hint}" if step.hint else step.question
    if _units(prompt) > limits.text:
        problems.append(_problem(here, f"文が長すぎます（ヒントとあわせて LINE では{limits.text}"
                                 "文字まで）。"))
    if step.answer is AnswerType.CHOICE:
        problems.extend(_choice_problems(step, limits))
    for message in (calendar_problem(step), known_problem(step)):
        if message:
            problems.append(_problem(here, f" {message}"))
    if step.answer is not AnswerType.DATE and (step.weekdays or step.offer_dates):
        problems.append(_problem(here, " weekdays・offer_dates は日付の質問にだけ使えます。"))
    targets = [(Place(step.key, branch=n), b.goto) for n, b in enumerate(step.branches)]
    if step.next is not None:
        targets.append((here, step.next))
    for place, goto in targets:
        what = "行き先" if place.branch is not None else "next"
        if goto == CONFIRM:
            continue
        if goto not in order:
            problems.append(_problem(place, f"{what}「{goto}」という質問がありません。"))
        elif order[goto] <= index:
            problems.append(_problem(place, f"{what}「{goto}」は同じか前の質問に戻るため、繰り返し"
                                     "になります（後ろの質問か $confirm にしてください）。"))
    return problems


def _choice_problems(step: Step, limits: LineLimits) -> list[Problem]:
    if not step.choices:
        return [_problem(Place(step.key), "選択肢がありません（選択式の質問には選択肢を一つ以上"
                         "並べてください）。")]
    problems: list[Problem] = []
    values: set[str] = set()
    labels: set[str] = set()
    label_limit = min(limits.quick_reply_label, limits.button_label)
    for option in step.choices:
        place = Place(step.key, choice=option.value)
        if option.value in values:
            problems.append(_problem(place, "値が重複しています。"))
        elif option.label in labels:
            problems.append(_problem(place, f"表示「{option.label}」が重複しています。"))
        values.add(option.value)
        labels.add(option.label)
        if _units(option.label) > label_limit:
            problems.append(_problem(place, f"表示「{option.label}」が長すぎます（LINE のボタンは"
                                     f"{label_limit}文字まで）。"))
        if _units(option.value) + _POSTBACK_OVERHEAD > limits.postback_data:
            problems.append(_problem(place, "値が長すぎます（LINE に送り返せるのは"
                                     f"{limits.postback_data - _POSTBACK_OVERHEAD}文字まで）。"))
    return problems


def _unreachable(steps: Sequence[Step], order: dict[str, int]) -> list[Problem]:
    """Questions no answer can lead to, walking from the first the way the engine does."""
    if not steps:
        return []
    seen: set[int] = set()
    todo = [0]
    while todo:
        index = todo.pop()
        if index in seen:
            continue
        seen.add(index)
        step = steps[index]
        gotos = [branch.goto for branch in step.branches]
        if not _branches_cover_every_answer(step):
            gotos.append(step.next if step.next is not None else
                         steps[index + 1].key if index + 1 < len(steps) else CONFIRM)
        todo.extend(order[goto] for goto in gotos
                    if goto in order and order[goto] > index)
    return [_problem(Place(step.key), "質問にはどの答えからもたどり着けません。")
            for index, step in enumerate(steps)
            if index not in seen and order.get(step.key) == index]


def _branches_cover_every_answer(step: Step) -> bool:
    """True when some branch matches whatever the resident answers (then the default is never
    taken): a required yes/no with both, a required choice with every value."""
    if not step.required:
        return False
    whens = [branch.when_value for branch in step.branches]
    if step.answer is AnswerType.YES_NO:
        return any(when is True for when in whens) and any(when is False for when in whens)
    if step.answer is AnswerType.CHOICE and step.choices:
        return {option.value for option in step.choices} <= {w for w in whens
                                                             if isinstance(w, str)}
    return False
