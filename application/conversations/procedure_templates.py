"""Procedure templates (手続きのテンプレート): a procedure as a versioned JSON document another
town can import (format "madoguchi.procedure", version 1; docs/procedure-templates.md, the
schema in docs/procedure-template.schema.json, ADR 0050).

A template holds no personal data and no town's ids: the questions, their rules and where each
answer leads, and optionally which department (課) a case goes to, by the department's name.
Import checks the document's shape first (each mistake named by its JSON path), then the
procedure (`procedure_problems`: each problem named by its question, choice or branch), and
builds the `Procedure` only when both pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NoReturn

from attrs import fields, frozen

from application.cases.routing import CaseRoute
from application.conversations.checking_procedure import (
    Place,
    Problem,
    ProcedureDraft,
    procedure_problems,
)
from application.conversations.procedures import (
    OPTIONAL_FIELDS,
    Procedure,
    fee_from_dict,
    step_from_dict,
)
from application.conversations.steps import AnswerType, Step
from application.conversations.survey_field import survey_from_dict
from domain.errors import InvalidValue

__all__ = ["FORMAT", "VERSION", "Template", "TemplateRefused", "export_template",
           "import_template"]

FORMAT = "madoguchi.procedure"
VERSION = 1

_TOP = {"format", "version", "procedure", "routing"}
_PROCEDURE = {"id", "title", "steps", "fee", "survey", *OPTIONAL_FIELDS}
_FEE = {"amount", "label", "per_answer", "unit"}
_ROUTING = {"answer_key", "default", "by_value"}
_STEP = {attribute.name for attribute in fields(Step)}
_PARTS = {"choices": {"value", "label"}, "branches": {"when_value", "goto"}}


class TemplateRefused(InvalidValue):
    """A template that cannot be imported; `problems` says every reason found, each in place."""

    code = "template_refused"

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("このテンプレートは読み込めません。\n"
                         + "\n".join(problem.message for problem in problems))


@frozen
class Template:
    procedure: Procedure
    route: CaseRoute | None = None  # where its cases go, by department name


def export_template(procedure: Procedure, route: CaseRoute | None = None) -> dict[str, Any]:
    """The template of a procedure (and its route), as JSON-able data."""
    body = procedure.to_dict()
    del body["format"]  # the procedure's own field; the template's version is said above it
    out: dict[str, Any] = {"format": FORMAT, "version": VERSION, "procedure": body}
    if route is not None:
        routing: dict[str, Any] = {"default": route.default}
        if route.answer_key is not None:
            routing["answer_key"] = route.answer_key
        if route.by_value:
            routing["by_value"] = dict(route.by_value)
        out["routing"] = routing
    return out


def import_template(data: Any) -> Template:
    """Read a template; raises `TemplateRefused` with every problem found."""
    top = _object(data, "$")
    _known(top, _TOP, "$")
    if top.get("format") != FORMAT:
        _refuse("$.format", f"format は \"{FORMAT}\" にしてください。")
    version = top.get("version")
    if "version" not in top:
        _refuse("$.version", "version がありません。")
    if version != VERSION or isinstance(version, bool):
        _refuse("$.version", f"この版（version {version}）のテンプレートは読めません。"
                             f"読めるのは version {VERSION} です。")
    body = _object(_required(top, "procedure", "$"), "$.procedure")
    _known(body, _PROCEDURE, "$.procedure")
    _string(_required(body, "id", "$.procedure"), "$.procedure.id")
    _string(_required(body, "title", "$.procedure"), "$.procedure.title")
    items = _required(body, "steps", "$.procedure")
    if not isinstance(items, list):
        _refuse("$.procedure.steps", "質問の一覧（配列）で指定してください。")
    steps = tuple(_step(item, f"$.procedure.steps[{index}]") for index, item in enumerate(items))
    optional = {name: body[name] for name in OPTIONAL_FIELDS if name in body}
    if body.get("fee") is not None:
        optional["fee"] = _fee(body["fee"], "$.procedure.fee")
    if body.get("survey") is not None:
        optional["survey"] = _survey(body["survey"], "$.procedure.survey")
    draft = ProcedureDraft(id=body["id"], title=body["title"], steps=steps, **optional)
    route = _route(top["routing"], draft) if "routing" in top else None
    problems = procedure_problems(draft)
    if route is not None:
        problems += _route_problems(route, draft)
    if problems:
        raise TemplateRefused(problems)
    procedure = Procedure(id=draft.id, title=draft.title, steps=draft.steps, **optional)
    return Template(procedure=procedure, route=route)


def _refuse(path: str, message: str) -> NoReturn:
    raise TemplateRefused((Problem(Place(), f"{path}: {message}"),))


def _object(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        _refuse(path, "項目と値の組（オブジェクト）で指定してください。")
    return value


def _known(data: Mapping[str, Any], allowed: set[str], path: str) -> None:
    for name in sorted(set(data) - allowed):
        _refuse(f"{path}.{name}", "知らない項目です。")


def _required(data: Mapping[str, Any], name: str, path: str) -> Any:
    if name not in data:
        _refuse(f"{path}.{name}", f"{name} がありません。")
    return data[name]


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        _refuse(path, "文字で指定してください。")
    return str(value)


def _step(item: Any, path: str) -> Step:
    data = _object(item, path)
    _known(data, _STEP, path)
    for name in ("key", "question", "answer"):
        _string(_required(data, name, path), f"{path}.{name}")
    if data["answer"] not in {kind.value for kind in AnswerType}:
        allowed = "、".join(kind.value for kind in AnswerType)
        _refuse(f"{path}.answer", f"「{data['answer']}」という答えの種類はありません"
                                  f"（{allowed} のどれかにしてください）。")
    for name, required in (("choices", ("value",)), ("branches", ("when_value", "goto"))):
        listed = data.get(name, [])
        if not isinstance(listed, list):
            _refuse(f"{path}.{name}", "一覧（配列）で指定してください。")
        for index, part in enumerate(listed):
            where = f"{path}.{name}[{index}]"
            _known(_object(part, where), _PARTS[name], where)
            for field_name in required:
                _required(part, field_name, where)
    try:
        return step_from_dict(data)
    except InvalidValue as error:
        _refuse(path, error.message)


def _fee(item: Any, path: str) -> Any:
    _known(_object(item, path), _FEE, path)
    try:
        return fee_from_dict(item)
    except InvalidValue as error:
        _refuse(path, error.message)


def _survey(item: Any, path: str) -> Any:
    try:
        return survey_from_dict(item)
    except InvalidValue as error:
        _refuse(path, error.message)


def _route(data: Any, draft: ProcedureDraft) -> CaseRoute:
    routing = _object(data, "$.routing")
    _known(routing, _ROUTING, "$.routing")
    default = _string(_required(routing, "default", "$.routing"), "$.routing.default")
    key = routing.get("answer_key")
    if key is not None:
        _string(key, "$.routing.answer_key")
    by_value = _object(routing.get("by_value", {}), "$.routing.by_value")
    for value, name in by_value.items():
        _string(name, f"$.routing.by_value.{value}")
    return CaseRoute(procedure_id=draft.id, default=default, answer_key=key,
                     by_value=dict(by_value))


def _route_problems(route: CaseRoute, draft: ProcedureDraft) -> tuple[Problem, ...]:
    if route.answer_key is None:
        if route.by_value:
            return (Problem(Place(), "$.routing.by_value: answer_key がないため使えません。"),)
        return ()
    step = next((s for s in draft.steps if s.key == route.answer_key), None)
    if step is None:
        return (Problem(Place(), f"$.routing.answer_key: 質問「{route.answer_key}」が"
                                 "ありません。"),)
    return tuple(Problem(Place(step.key, choice=value),
                         f"$.routing.by_value: 質問「{step.key}」に選択肢「{value}」が"
                         "ありません。")
                 for value in route.by_value if step.option(value) is None)
