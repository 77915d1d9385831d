"""Checking a procedure: everything a template can get wrong, said in Japanese for the staff
member who wrote it. Runs whenever a `Procedure` is built, from code or from JSON."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Protocol

from application.conversations.answer_checks import CHECKS
from application.conversations.fees import Fee, fee_errors
from application.conversations.steps import (
    CONFIRM,
    KNOWN_FACTS,
    MAX_CHOICES,
    MAX_LABEL_LENGTH,
    MAX_OPTION_VALUE_LENGTH,
    MAX_PHOTOS,
    AnswerType,
    Branch,
    Option,
    Step,
    placeholders,
)
from domain.errors import InvalidValue

__all__ = ["MAX_STEPS", "MAX_TTL_MINUTES", "CheckedProcedure", "check_procedure"]

MAX_STEPS = 50
MAX_TTL_MINUTES = 7 * 24 * 60

_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
_PROCEDURE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

_RULES_BY_TYPE = {
    "min_length": {AnswerType.TEXT}, "max_length": {AnswerType.TEXT},
    "pattern": {AnswerType.TEXT}, "pattern_message": {AnswerType.TEXT},
    "check": {AnswerType.TEXT},
    "min_value": {AnswerType.NUMBER}, "max_value": {AnswerType.NUMBER},
    "min_date": {AnswerType.DATE}, "max_date": {AnswerType.DATE},
    "not_future": {AnswerType.DATE}, "bank_step": {AnswerType.BRANCH},
    "choices": {AnswerType.CHOICE}, "max_photos": {AnswerType.PHOTO},
}


def _check_text(value: Any, what: str, *, max_length: int, required: bool = True) -> None:
    if not isinstance(value, str):
        raise InvalidValue(f"{what}は文字で指定してください。")
    if required and not value.strip():
        raise InvalidValue(f"{what}が空です。")
    if len(value) > max_length:
        raise InvalidValue(f"{what}は{max_length}文字以内にしてください。")


class CheckedProcedure(Protocol):
    """What the checks read of a procedure (`procedures.Procedure`, which runs them when built)."""

    @property
    def id(self) -> str: ...

    @property
    def title(self) -> str: ...

    @property
    def steps(self) -> Sequence[Step]: ...

    @property
    def confirm(self) -> bool: ...

    @property
    def completion_message(self) -> str: ...

    @property
    def ttl_minutes(self) -> int: ...

    @property
    def fee(self) -> Fee | None: ...


def check_procedure(procedure: CheckedProcedure) -> None:
    if not isinstance(procedure.id, str) or not _PROCEDURE_ID.fullmatch(procedure.id):
        raise InvalidValue("手続きの id は英数字と _ . - の64文字以内にしてください。")
    _check_text(procedure.title, "手続きの名前", max_length=100)
    _check_text(procedure.completion_message, "完了時のメッセージ", max_length=2000)
    if not isinstance(procedure.confirm, bool):
        raise InvalidValue("手続きの confirm は true か false で指定してください。")
    ttl = procedure.ttl_minutes
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL_MINUTES:
        raise InvalidValue(f"手続きの ttl_minutes は 1 から {MAX_TTL_MINUTES} の整数に"
                           "してください。")
    if not procedure.steps:
        raise InvalidValue("手続きに質問が一つもありません。")
    if len(procedure.steps) > MAX_STEPS:
        raise InvalidValue(f"手続きの質問は{MAX_STEPS}個までにしてください。")
    order: dict[str, int] = {}
    for index, step in enumerate(procedure.steps):
        if not isinstance(step, Step):
            raise InvalidValue("手続きの steps には質問（Step）を並べてください。")
        if not isinstance(step.key, str) or not _KEY.fullmatch(step.key):
            raise InvalidValue(f"質問の key「{step.key}」は英字で始まる英数字と _ の64文字以内に"
                               "してください。")
        if step.key in order:
            raise InvalidValue(f"質問の key「{step.key}」が重複しています。")
        order[step.key] = index
    for step in procedure.steps:
        _check_step(step, order, procedure)
    for key in placeholders(procedure.completion_message):
        if key not in order:
            raise InvalidValue(f"完了時のメッセージの {{answers.{key}}} に当たる質問がありません。")
    for error in fee_errors(procedure.fee, procedure.steps):
        raise InvalidValue(error)


def _check_step(step: Step, order: dict[str, int], procedure: CheckedProcedure) -> None:
    where = f"質問「{step.key}」"
    if not isinstance(step.answer, AnswerType):
        raise InvalidValue(f"{where}の answer が正しくありません。")
    _check_text(step.question, f"{where}の文", max_length=2000)
    _check_text(step.label, f"{where}の label", max_length=40, required=False)
    _check_text(step.hint, f"{where}の hint", max_length=500, required=False)
    for key in placeholders(step.question):
        if key not in order or order[key] >= order[step.key]:
            raise InvalidValue(f"{where}の {{answers.{key}}} は前の質問を指していません。")
    for name, types in _RULES_BY_TYPE.items():
        value = getattr(step, name)
        if value not in (None, False, "", ()) and step.answer not in types:
            raise InvalidValue(f"{where}（{step.answer.value}）には {name} は使えません。")
    _check_bounds(step, where)
    if step.check is not None and step.check not in CHECKS:
        raise InvalidValue(f"{where}の check「{step.check}」はありません"
                           f"（{'、'.join(sorted(CHECKS))} のどれかにしてください）。")
    if step.known is not None and (step.known not in KNOWN_FACTS
                                   or step.answer is not AnswerType.TEXT):
        raise InvalidValue(f"{where}の known は文字の質問に {', '.join(KNOWN_FACTS)} の"
                           "どれかで指定してください。")
    if step.answer is AnswerType.CHOICE:
        _check_choices(step, where)
    if step.answer is AnswerType.BRANCH:
        bank = step.bank_step
        if bank is None or bank not in order or order[bank] >= order[step.key] or \
                procedure.steps[order[bank]].answer is not AnswerType.BANK:
            raise InvalidValue(f"{where}の bank_step には前にある金融機関の質問の key を"
                               "指定してください。")
    targets = [step.next] if step.next is not None else []
    for branch in step.branches:
        targets.append(branch.goto)
        _check_branch_value(step, branch, where)
    for target in targets:
        if target != CONFIRM and (target not in order or order[target] <= order[step.key]):
            raise InvalidValue(f"{where}の行き先「{target}」は後ろにある質問の key か "
                               f"{CONFIRM} にしてください。")


def _check_bounds(step: Step, where: str) -> None:
    for low, high, kind in (("min_length", "max_length", int), ("min_value", "max_value", int),
                            ("min_date", "max_date", dt.date)):
        lo, hi = getattr(step, low), getattr(step, high)
        for name, value in ((low, lo), (high, hi)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
                raise InvalidValue(f"{where}の {name} の形式が正しくありません。")
        if lo is not None and hi is not None and lo > hi:
            raise InvalidValue(f"{where}の {low} が {high} より大きくなっています。")
    photos = step.max_photos
    if photos is not None and (isinstance(photos, bool) or not isinstance(photos, int)
                               or not 1 <= photos <= MAX_PHOTOS):
        raise InvalidValue(f"{where}の max_photos は 1 から {MAX_PHOTOS} の整数にしてください。")
    for name in ("min_length", "max_length"):
        value = getattr(step, name)
        if value is not None and value < 0:
            raise InvalidValue(f"{where}の {name} は0以上にしてください。")
    if step.pattern is not None:
        if len(step.pattern) > 200:
            raise InvalidValue(f"{where}の pattern は200文字以内にしてください。")
        try:
            re.compile(step.pattern)
        except re.error:
            raise InvalidValue(f"{where}の pattern は正しい正規表現にしてください。") from None


def _check_choices(step: Step, where: str) -> None:
    if not step.choices:
        raise InvalidValue(f"{where}は選択式ですが選択肢がありません。")
    if len(step.choices) > MAX_CHOICES:
        raise InvalidValue(f"{where}の選択肢は{MAX_CHOICES}個までにしてください。")
    seen: set[str] = set()
    for option in step.choices:
        if not isinstance(option, Option):
            raise InvalidValue(f"{where}の選択肢の形式が正しくありません。")
        value, label = option.value, option.label
        _check_text(value, f"{where}の選択肢の値", max_length=MAX_OPTION_VALUE_LENGTH)
        if value.startswith("$") or _CONTROL.search(value):
            raise InvalidValue(f"{where}の選択肢の値「{value}」は $ で始めたり制御文字を"
                               "含めたりできません。")
        _check_text(label, f"{where}の選択肢「{value}」の表示", max_length=MAX_LABEL_LENGTH)
        if value in seen:
            raise InvalidValue(f"{where}の選択肢の値「{value}」が重複しています。")
        seen.add(value)


def _check_branch_value(step: Step, branch: Branch, where: str) -> None:
    if not isinstance(branch, Branch) or not isinstance(branch.goto, str):
        raise InvalidValue(f"{where}の分岐の形式が正しくありません。")
    when = branch.when_value
    if when is None:
        if step.required:
            raise InvalidValue(f"{where}は省略できないため、when_value に null は使えません。")
        return
    if step.answer is AnswerType.LOCATION or (step.answer is AnswerType.PHOTO
                                              and step.max_photos is not None):
        raise InvalidValue(f"{where}の分岐の when_value は null（スキップしたとき）だけに"
                           "してください。")
    if step.answer is AnswerType.CHOICE and (not isinstance(when, str)
                                             or step.option(when) is None):
        raise InvalidValue(f"{where}の分岐の when_value「{when}」は選択肢の値にしてください。")
    if step.answer is AnswerType.YES_NO and not isinstance(when, bool):
        raise InvalidValue(f"{where}の分岐の when_value は true か false にしてください。")
    if step.answer is AnswerType.NUMBER and (isinstance(when, bool) or not isinstance(when, int)):
        raise InvalidValue(f"{where}の分岐の when_value は整数にしてください。")
    if step.answer in {AnswerType.TEXT, AnswerType.DATE, AnswerType.BANK, AnswerType.BRANCH,
                       AnswerType.PHOTO} and not isinstance(when, str):
        raise InvalidValue(f"{where}の分岐の when_value は文字で指定してください。")
