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
    KNOWN_TYPES,
    MAX_CHOICES,
    MAX_LABEL_LENGTH,
    MAX_OFFERED_DATES,
    MAX_OPTION_VALUE_LENGTH,
    MAX_PHOTOS,
    AnswerType,
    Branch,
    Option,
    Step,
    placeholders,
)
from application.conversations.survey_field import Survey
from domain.errors import InvalidValue

__all__ = ["MAX_STEPS", "MAX_TTL_MINUTES", "CheckedProcedure", "calendar_problem",
           "check_procedure", "known_problem"]

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
    "weekdays": {AnswerType.DATE}, "offer_dates": {AnswerType.DATE},
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

    @property
    def survey(self) -> Survey | None: ...


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
    _check_settings(procedure)
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


def _check_settings(procedure: CheckedProcedure) -> None:
    """Who may start it, how many, whether it submits (fields a `Procedure` has; a checked
    object without them keeps their defaults)."""
    verified = getattr(procedure, "requires_verification", False)
    if not isinstance(verified, bool) or not isinstance(getattr(procedure, "submits", True),
                                                        bool):
        raise InvalidValue("手続きの requires_verification と submits は true か false で"
                           "指定してください。")
    for name, what, top in (("verification_max_age_days", "本人確認の有効日数", 3650),
                            ("capacity", "定員", 1_000_000)):
        value = getattr(procedure, name, None)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 1 <= value <= top):
            raise InvalidValue(f"{what}（{name}）は 1 から {top} の整数にしてください。")
    if getattr(procedure, "verification_max_age_days", None) is not None and not verified:
        raise InvalidValue("本人確認の有効日数は、本人確認が必要な手続きにだけ指定できます。")
    if getattr(procedure, "capacity", None) is not None and not getattr(procedure, "submits",
                                                                          True):
        raise InvalidValue("受け付けない案内（submits: false）には定員を指定できません。")


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
    message = calendar_problem(step)
    if message:
        raise InvalidValue(f"{where}の {message}")
    if step.check is not None and step.check not in CHECKS:
        raise InvalidValue(f"{where}の check「{step.check}」はありません"
                           f"（{'、'.join(sorted(CHECKS))} のどれかにしてください）。")
    message = known_problem(step)
    if message:
        raise InvalidValue(f"{where}の {message}")
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


def calendar_problem(step: Step) -> str:
    """What is wrong with a question's calendar fields (weekdays, min_days_ahead,
    offer_dates), said after the question's place; "" when nothing."""
    if step.min_days_ahead is not None and step.answer is not AnswerType.DATE:
        return f"min_days_ahead は日付の質問にだけ使えます（この質問は {step.answer.value}）。"
    weekdays = step.weekdays
    if not isinstance(weekdays, tuple) or any(
            isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6
            for day in weekdays):
        return "weekdays は 0（月曜日）から 6（日曜日）の整数の一覧にしてください。"
    if len(set(weekdays)) != len(weekdays):
        return "weekdays に同じ曜日が重複しています。"
    ahead = step.min_days_ahead
    if ahead is not None and (isinstance(ahead, bool) or not isinstance(ahead, int)
                              or not 0 <= ahead <= 366):
        return "min_days_ahead は 0 から 366 の整数（今日から何日後から選べるか）にしてください。"
    offered = step.offer_dates
    if offered is not None and (isinstance(offered, bool) or not isinstance(offered, int)
                                or not 1 <= offered <= MAX_OFFERED_DATES):
        return (f"offer_dates は 1 から {MAX_OFFERED_DATES} の整数にしてください（LINE のボタンは"
                "スキップ・戻る・やめるとあわせて13個までです）。")
    if step.not_future and step.uses_calendar:
        return "not_future と weekdays・min_days_ahead・offer_dates は一緒に使えません。"
    return ""


def known_problem(step: Step) -> str:
    """What is wrong with a question's `known`, said after its place; "" when nothing."""
    if step.known is None:
        return ""
    if step.known not in KNOWN_FACTS:
        return (f"known「{step.known}」はありません（{'、'.join(KNOWN_FACTS)} のどれかに"
                "してください）。")
    types = KNOWN_TYPES[step.known]
    if step.answer not in types:
        allowed = "・".join(sorted(kind.value for kind in types))
        return f"known「{step.known}」は答えの種類が {allowed} の質問にだけ使えます。"
    return ""


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
