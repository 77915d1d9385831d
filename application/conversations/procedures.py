"""Procedures (手続き) as data: the questions, their rules and where each answer leads.

A procedure is a value that staff can build, export as JSON and share with other towns as a
template. Building one checks everything a template can get wrong and says what, in Japanese
(see checks.py); the engine can then trust it. The builder and template import also run
`checking_procedure.procedure_problems`, which says every problem at once and refuses
unreachable questions too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from attrs import field, fields, frozen

from application.conversations.checks import check_procedure
from application.conversations.fees import Fee
from application.conversations.steps import (
    CONFIRM,
    MAX_CHOICES,
    MAX_LABEL_LENGTH,
    MAX_OPTION_VALUE_LENGTH,
    AnswerType,
    Branch,
    Option,
    Step,
    placeholders,
)
from application.conversations.survey_field import Survey, survey_errors, survey_from_dict
from domain.errors import InvalidValue

# The steps' names are part of this module's API: a procedure is written with them.
__all__ = [
    "CONFIRM",
    "FORMAT_VERSION",
    "MAX_CHOICES",
    "MAX_LABEL_LENGTH",
    "MAX_OPTION_VALUE_LENGTH",
    "OPTIONAL_FIELDS",
    "AnswerType",
    "Branch",
    "Fee",
    "Option",
    "Procedure",
    "Step",
    "fee_from_dict",
    "placeholders",
    "step_from_dict",
    "step_to_dict",
]

FORMAT_VERSION = 1
# The procedure's fields a template may leave out (each then takes its default).
OPTIONAL_FIELDS = ("confirm", "completion_message", "ttl_minutes", "requires_verification",
                   "verification_max_age_days", "capacity", "submits")


@frozen
class Procedure:
    id: str
    title: str
    steps: tuple[Step, ...] = field(converter=tuple)
    confirm: bool = True
    completion_message: str = "受け付けました。ありがとうございました。"
    ttl_minutes: int = 30
    # Only a resident verified with the card may start it; with a maximum age (days) of that
    # verification, an older one is asked to verify again first.
    requires_verification: bool = False
    verification_max_age_days: int | None = None
    capacity: int | None = None  # 定員: submissions accepted, then it says it is full
    submits: bool = True  # False: a guide (案内) that answers and creates nothing
    fee: Fee | None = None  # paid online before the case is opened (ADR 0053)
    survey: Survey | None = None  # its answers are a survey's, not a case (ADR 0059)

    def __attrs_post_init__(self) -> None:
        check_procedure(self)
        for error in survey_errors(self.survey, steps=self.steps, submits=self.submits,
                                   has_fee=self.fee is not None):
            raise InvalidValue(error)

    @property
    def first_step(self) -> Step:
        return self.steps[0]

    @property
    def ttl(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.ttl_minutes)

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def next_key(self, step: Step, answer: Any) -> str:
        """The key of the question after `step` given its answer, or "$confirm"."""
        for branch in step.branches:
            if branch.matches(answer):
                return branch.goto
        if step.next is not None:
            return step.next
        index = self.steps.index(step)
        return self.steps[index + 1].key if index + 1 < len(self.steps) else CONFIRM

    # -- JSON templates ----------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Procedure:
        """Read a template. Unknown fields are refused (a typo should not pass silently)."""
        data = _mapping(data, "手続き")
        _only(data, {"format", "id", "title", "steps", "fee", "survey", *OPTIONAL_FIELDS},
              "手続き")
        if data.get("format", FORMAT_VERSION) != FORMAT_VERSION:
            raise InvalidValue(f"この形式の手続き（format {data.get('format')}）は読めません。")
        steps = data.get("steps")
        if not isinstance(steps, list):
            raise InvalidValue("手続きの steps は質問の一覧で指定してください。")
        optional = {name: data[name] for name in OPTIONAL_FIELDS if name in data}
        if data.get("fee") is not None:
            optional["fee"] = fee_from_dict(data["fee"])
        if data.get("survey") is not None:
            optional["survey"] = survey_from_dict(data["survey"])
        return cls(id=_required(data, "id", str, "手続き"),
                   title=_required(data, "title", str, "手続き"),
                   steps=tuple(step_from_dict(item) for item in steps), **optional)

    def to_dict(self) -> dict[str, Any]:
        """The template as JSON-able data; fields left at their default are omitted."""
        out: dict[str, Any] = {"format": FORMAT_VERSION, "id": self.id, "title": self.title,
                               "steps": [step_to_dict(step) for step in self.steps]}
        for name in OPTIONAL_FIELDS:
            value = getattr(self, name)
            if value != getattr(fields(Procedure), name).default:
                out[name] = value
        if self.fee is not None:
            out["fee"] = self.fee.to_dict()
        if self.survey is not None:
            out["survey"] = self.survey.to_dict()
        return out


# -- reading templates --------------------------------------------------------------------------

_STEP_FIELDS = {a.name for a in fields(Step)}
_TYPES: dict[str, Any] = {
    "key": str, "question": str, "required": bool, "label": str, "hint": str,
    "min_length": int, "max_length": int, "pattern": str, "pattern_message": str,
    "check": str,
    "min_value": int, "max_value": int, "not_future": bool, "bank_step": str, "next": str,
    "known": str, "max_photos": int, "min_days_ahead": int, "offer_dates": int,
}


def _mapping(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InvalidValue(f"{what}の形式が正しくありません（項目と値の組で指定してください）。")
    return data


def _only(data: Mapping[str, Any], allowed: set[str], what: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InvalidValue(f"{what}に知らない項目があります: {', '.join(unknown)}")


def _required(data: Mapping[str, Any], name: str, kind: type, what: str) -> Any:
    if name not in data:
        raise InvalidValue(f"{what}の {name} がありません。")
    return _typed(data[name], name, kind, what)


def _typed(value: Any, name: str, kind: type, what: str) -> Any:
    if value is None:
        return None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise InvalidValue(f"{what}の {name} は整数で指定してください。")
    if not isinstance(value, kind):
        raise InvalidValue(f"{what}の {name} の形式が正しくありません。")
    return value


def step_from_dict(item: Any) -> Step:
    """A question read from its template form; only its own fields are checked (the procedure
    it belongs to checks the rest)."""
    data = _mapping(item, "質問")
    where = f"質問「{data.get('key', '?')}」"
    _only(data, _STEP_FIELDS, where)
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        if name in _TYPES and name not in {"key", "question"}:
            kwargs[name] = _typed(value, name, _TYPES[name], where)
    try:
        kwargs["answer"] = AnswerType(_required(data, "answer", str, where))
    except ValueError:
        allowed = "、".join(t.value for t in AnswerType)
        raise InvalidValue(f"{where}の answer は {allowed} のどれかにしてください。") from None
    for name in ("min_date", "max_date"):
        if data.get(name) is not None:
            kwargs[name] = _iso_date(_typed(data[name], name, str, where), name, where)
    weekdays = _list(data, "weekdays", where)
    if any(isinstance(day, bool) or not isinstance(day, int) for day in weekdays):
        raise InvalidValue(f"{where}の weekdays は 0（月曜日）から 6（日曜日）の整数の一覧で"
                           "指定してください。")
    kwargs["weekdays"] = tuple(weekdays)
    kwargs["choices"] = tuple(_option_from_dict(o, where) for o in _list(data, "choices", where))
    kwargs["branches"] = tuple(_branch_from_dict(b, where)
                               for b in _list(data, "branches", where))
    return Step(key=_required(data, "key", str, "質問"),
                question=_required(data, "question", str, where), **kwargs)


def _iso_date(text: str, name: str, where: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(f"{where}の {name} は 2026-04-01 の形で指定してください。") from None


def _list(data: Mapping[str, Any], name: str, where: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InvalidValue(f"{where}の {name} は一覧で指定してください。")
    return value


def _option_from_dict(item: Any, where: str) -> Option:
    data = _mapping(item, f"{where}の選択肢")
    _only(data, {"value", "label"}, f"{where}の選択肢")
    value = _required(data, "value", str, f"{where}の選択肢")
    return Option(value=value, label=_typed(data.get("label", value), "label", str, where))


def _branch_from_dict(item: Any, where: str) -> Branch:
    data = _mapping(item, f"{where}の分岐")
    _only(data, {"when_value", "goto"}, f"{where}の分岐")
    if "when_value" not in data:
        raise InvalidValue(f"{where}の分岐に when_value がありません。")
    when = data["when_value"]
    if when is not None and not isinstance(when, str | int | bool):
        raise InvalidValue(f"{where}の分岐の when_value は文字・整数・真偽値で指定してください。")
    return Branch(when_value=when, goto=_required(data, "goto", str, f"{where}の分岐"))


def fee_from_dict(item: Any) -> Fee:
    """A procedure's fee read from its template form (the procedure checks the rest)."""
    data = _mapping(item, "手数料")
    _only(data, {"amount", "label", "per_answer", "unit"}, "手数料")
    optional = {name: _typed(data[name], name, str, "手数料")
                for name in ("per_answer", "unit") if data.get(name) is not None}
    return Fee(amount=_required(data, "amount", int, "手数料"),
               label=_required(data, "label", str, "手数料"), **optional)


def step_to_dict(step: Step) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attribute in fields(Step):
        value = getattr(step, attribute.name)
        if attribute.name in {"key", "question", "answer"} or value != attribute.default:
            out[attribute.name] = value
    out["answer"] = step.answer.value
    for name in ("min_date", "max_date"):
        if name in out:
            out[name] = out[name].isoformat()
    if step.weekdays:
        out["weekdays"] = list(step.weekdays)
    if step.choices:
        out["choices"] = [{"value": o.value, "label": o.label} for o in step.choices]
    if step.branches:
        out["branches"] = [{"when_value": b.when_value, "goto": b.goto} for b in step.branches]
    return out
