"""Importing a template from another town: its departments are named as that town names
them, so the importing staff map each name the town does not have onto one of its own
departments; then it is saved as a new draft (checked like any draft)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from attrs import field, frozen

from application.access.actor import Actor
from application.conversations.checking_procedure import Place, Problem
from application.conversations.procedure_templates import TemplateRefused, import_template
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.procedure_builder.drafting import SaveDraft, save_draft
from domain.access import Permission
from domain.built_procedures import BuiltProcedure

__all__ = ["ImportPlan", "ImportTemplate", "import_procedure", "plan_import", "read_json"]


@frozen
class ImportPlan:
    """What a template needs before it can be saved here."""

    template: dict[str, Any]
    procedure_id: str
    title: str
    steps: int
    unknown_departments: tuple[str, ...] = field(converter=tuple)  # to map onto the town's
    id_taken: bool = False


@frozen
class ImportTemplate:
    template: dict[str, Any]
    actor: Actor
    departments: Mapping[str, str] = field(factory=dict)  # template's name → the town's name
    procedure_id: str | None = None  # another id, when the template's is taken


def read_json(text: str | bytes) -> Any:
    """The uploaded file as JSON, or `TemplateRefused` saying where it stops being JSON."""
    try:
        return json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        line = getattr(error, "lineno", None)
        where = f"{line}行目で" if line else ""
        raise TemplateRefused((Problem(Place(), f"ファイルが JSON として{where}読めません。"),)
                              ) from None


def plan_import(data: Any, *, actor: Actor, uow: UnitOfWork,
                shipped: frozenset[str] = frozenset()) -> ImportPlan:
    """Check the template (its format version, its questions) and say what must be mapped."""
    actor.ensure(Permission.BUILD_PROCEDURES, "テンプレートを読み込む")
    checked = import_template(data)
    with uow:
        names = {department.name for department in uow.departments.all()}
        taken = uow.built_procedures.get(checked.procedure.id) is not None
    route = checked.route
    wanted = [] if route is None else [route.default, *route.by_value.values()]
    unknown = tuple(dict.fromkeys(name for name in wanted if name not in names))
    return ImportPlan(template=dict(data), procedure_id=checked.procedure.id,
                      title=checked.procedure.title, steps=len(checked.procedure.steps),
                      unknown_departments=unknown,
                      id_taken=taken or checked.procedure.id in shipped)


def import_procedure(command: ImportTemplate, *, uow: UnitOfWork, clock: Clock,
                     shipped: frozenset[str] = frozenset()) -> BuiltProcedure:
    """Save the template as a new draft, its departments mapped (an unmapped unknown one is
    refused by the draft's check, in place)."""
    template = copy.deepcopy(command.template)
    routing = template.get("routing")
    if isinstance(routing, dict):
        mapped = dict(command.departments)
        if isinstance(routing.get("default"), str):
            routing["default"] = mapped.get(routing["default"], routing["default"])
        by_value = routing.get("by_value")
        if isinstance(by_value, dict):
            routing["by_value"] = {value: mapped.get(name, name) if isinstance(name, str)
                                   else name for value, name in by_value.items()}
    if command.procedure_id and isinstance(template.get("procedure"), dict):
        template["procedure"]["id"] = command.procedure_id
    return save_draft(SaveDraft(template=template, actor=command.actor, new=True),
                      uow=uow, clock=clock, shipped=shipped)
