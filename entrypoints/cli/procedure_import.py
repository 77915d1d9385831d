"""Importing procedure templates from the command line (`madoguchi procedures import`,
`import-library`): the builder's import use case with the console's actor, every problem found
said at once with its place before anything is saved."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.cases.managing_departments import SaveDepartment, save_department
from application.conversations.checking_procedure import Place, Problem
from application.conversations.procedure_templates import TemplateRefused
from application.procedure_builder.importing import (
    ImportPlan,
    ImportTemplate,
    import_procedure,
    plan_import,
    read_json,
)
from application.procedure_builder.publishing import publish_procedure
from application.procedure_builder.viewing import department_names
from domain.built_procedures import BuiltProcedure, ProcedureVersion, valid_procedure_id
from domain.errors import InvalidValue
from entrypoints.builder_wiring import TEMPLATE_LIBRARY, publish_checks
from entrypoints.containers import Container

__all__ = ["LIBRARY", "DepartmentMapping", "Imported", "import_file", "import_library_file",
           "publish", "read_file"]

# The templates that come with Madoguchi (the library towns start from).
LIBRARY = TEMPLATE_LIBRARY


@frozen
class Imported:
    procedure: BuiltProcedure
    created_departments: tuple[str, ...] = ()


@frozen
class DepartmentMapping:
    """`--department 'their name=our name'`, each read; a pair without "=" is a problem."""

    names: dict[str, str]
    problems: tuple[Problem, ...] = ()

    @classmethod
    def read(cls, pairs: Iterable[str]) -> DepartmentMapping:
        names: dict[str, str] = {}
        problems = []
        for pair in pairs:
            theirs, sep, ours = pair.partition("=")
            if not sep or not theirs.strip() or not ours.strip():
                problems.append(Problem(Place(), f"--department「{pair}」: 「テンプレートの課の"
                                                 "名前=この町の課の名前」の形で指定してください。"))
                continue
            names[theirs.strip()] = ours.strip()
        return cls(names, tuple(problems))


def read_file(path: Path) -> Any:
    try:
        return read_json(path.read_bytes())
    except OSError as error:
        raise TemplateRefused((Problem(Place(), f"{path}: ファイルを読めません"
                                                f"（{error.strerror}）。"),)) from None


def import_file(container: Container, data: Any, *, actor: Actor,
                mapping: DepartmentMapping, new_id: str | None = None,
                create_departments: bool = False) -> Imported:
    """The template saved as a new draft, or `TemplateRefused` with every problem: the
    template's own, a department neither in the town nor mapped, a mapping onto a department
    the town does not have, an id already taken."""
    shipped = frozenset(container.procedures().builtins)
    plan = plan_import(data, actor=actor, uow=container.uow(), shipped=shipped)
    ours = set(department_names(uow=container.uow()))
    departments = mapping.names
    problems = [*mapping.problems, *_mapping_problems(plan, departments, ours),
                *_id_problems(container, plan, new_id, actor=actor, shipped=shipped)]
    missing = [name for name in plan.unknown_departments if name not in departments]
    if missing and not create_departments:
        listed = "、".join(sorted(ours)) or "まだありません"
        problems += [Problem(Place(), f"$.routing: 課「{name}」はこの町にありません。"
                                      f"--department '{name}=この町の課の名前' で町の課を"
                                      f"指定してください（この町の課: {listed}）。")
                     for name in missing]
    if problems:
        raise TemplateRefused(tuple(problems))
    created = tuple(missing) if create_departments else ()
    for name in created:
        save_department(SaveDepartment(name=name, actor=actor), uow=container.uow(),
                        ids=container.ids(), clock=container.clock())
    built = import_procedure(ImportTemplate(template=plan.template, actor=actor,
                                            departments=dict(departments),
                                            procedure_id=new_id),
                             uow=container.uow(), clock=container.clock(), shipped=shipped)
    return Imported(built, created)


def import_library_file(container: Container, path: Path, *, actor: Actor,
                        mapping: DepartmentMapping,
                        create_departments: bool = False) -> Imported | None:
    """A file of the library as a new draft; None when the town has its id already (a
    procedure that ships, or one imported before). `departments` may map names other
    templates of the library use."""
    data = read_file(path)
    plan = plan_import(data, actor=actor, uow=container.uow(),
                       shipped=frozenset(container.procedures().builtins))
    if plan.id_taken:
        return None
    named = _named(plan)
    used = {theirs: ours for theirs, ours in mapping.names.items() if theirs in named}
    return import_file(container, data, actor=actor,
                       mapping=DepartmentMapping(used, mapping.problems),
                       create_departments=create_departments)


def publish(container: Container, procedure_id: str, *, actor: Actor) -> ProcedureVersion:
    return publish_procedure(procedure_id, actor=actor, uow=container.uow(),
                             clock=container.clock(), checks=publish_checks(container))


def _mapping_problems(plan: ImportPlan, departments: Mapping[str, str],
                      ours: set[str]) -> list[Problem]:
    problems = []
    for theirs, mine in departments.items():
        if theirs not in plan.unknown_departments and theirs not in _named(plan):
            problems.append(Problem(Place(), f"--department「{theirs}={mine}」: テンプレートに"
                                             f"課「{theirs}」はありません。"))
        elif mine not in ours:
            listed = "、".join(sorted(ours)) or "まだありません"
            problems.append(Problem(Place(), f"--department「{theirs}={mine}」: 課「{mine}」は"
                                             f"この町にありません（この町の課: {listed}）。"))
    return problems


def _id_problems(container: Container, plan: ImportPlan, new_id: str | None, *,
                 actor: Actor, shipped: frozenset[str]) -> list[Problem]:
    if new_id is None:
        if plan.id_taken:
            return [Problem(Place(), f"$.procedure.id: 手続きのID「{plan.procedure_id}」は"
                                     "この町ですでに使われています。--id で別のIDを指定して"
                                     "ください。")]
        return []
    try:
        valid_procedure_id(new_id)
    except InvalidValue as error:
        return [Problem(Place(), f"--id「{new_id}」: {error.message}")]
    renamed = copy.deepcopy(plan.template)
    renamed["procedure"]["id"] = new_id
    if plan_import(renamed, actor=actor, uow=container.uow(), shipped=shipped).id_taken:
        return [Problem(Place(), f"--id「{new_id}」: この町ですでに使われています。")]
    return []


def _named(plan: ImportPlan) -> set[str]:
    """The department names the template's routing says."""
    routing = plan.template.get("routing")
    if not isinstance(routing, dict):
        return set()
    by_value = routing.get("by_value")
    names = {routing.get("default"), *(by_value.values() if isinstance(by_value, dict) else ())}
    return {name for name in names if isinstance(name, str)}
