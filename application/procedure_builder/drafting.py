"""Saving a draft: the template staff wrote (in the builder or imported from another town) is
checked whole (`TemplateRefused` says every problem with its place) and nothing is saved
unless it passes; the departments it routes to must be the town's own."""

from __future__ import annotations

import secrets
from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.conversations.checking_procedure import Place, Problem
from application.conversations.procedure_templates import (
    Template,
    TemplateRefused,
    import_template,
)
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.built_procedures import TRIAL_TTL, BuiltProcedure, valid_procedure_id
from domain.errors import IllegalTransition, InvalidValue, NotFound

__all__ = ["TRIAL_ALPHABET", "SaveDraft", "check_draft", "draft_problems", "save_draft",
           "start_trial"]

TRIAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a screen


@frozen
class SaveDraft:
    template: dict[str, Any]  # the whole template: format, version, procedure, routing
    actor: Actor
    new: bool = False  # a new procedure (its id must be free) rather than an edit
    expected_version: int | None = None  # the draft's version the staff member edited
    channels: tuple[str, ...] | None = None  # None: unchanged (a new one: LINE and web)
    menu_label: str | None = None
    menu_order: int | None = None
    in_menu: bool | None = None  # None: unchanged


def check_draft(template: Any, *, uow: UnitOfWork) -> Template:
    """The template read and checked, or `TemplateRefused` with every problem: its own, and a
    department the town does not have."""
    checked = import_template(template)
    route = checked.route
    if route is None:
        return checked
    names = {department.name for department in uow.departments.all()}
    wanted = [("$.routing.default", route.default),
              *((f"$.routing.by_value.{value}", name) for value, name in route.by_value.items())]
    missing = tuple(Problem(Place(), f"{path}: 課「{name}」はこの町にありません（課を選び直して"
                                     "ください）。")
                    for path, name in wanted if name not in names)
    if missing:
        raise TemplateRefused(missing)
    return checked


def draft_problems(template: Any, *, uow: UnitOfWork) -> tuple[Problem, ...]:
    """Every problem of a template as staff type it (the editor's check): none when it would
    save. Changes nothing."""
    try:
        with uow:
            check_draft(template, uow=uow)
    except TemplateRefused as refused:
        return refused.problems
    return ()


def save_draft(command: SaveDraft, *, uow: UnitOfWork, clock: Clock,
               shipped: frozenset[str] = frozenset()) -> BuiltProcedure:
    """`shipped`: the ids of the procedures that come with Madoguchi (not free to take)."""
    command.actor.ensure(Permission.BUILD_PROCEDURES, "手続きを作成・編集")
    now = clock.now()
    with uow:
        checked = check_draft(command.template, uow=uow)
        procedure_id = valid_procedure_id(checked.procedure.id)
        existing = uow.built_procedures.get(procedure_id)
        if command.new:
            if existing is not None or procedure_id in shipped:
                raise InvalidValue(f"手続きのID「{procedure_id}」はすでに使われています。別のIDに"
                                   "してください。", code="procedure_id_taken")
            built = BuiltProcedure.drafted(id=procedure_id, template=command.template,
                                           title=checked.procedure.title, by=command.actor.id,
                                           at=now)
            uow.built_procedures.add(built)
        else:
            if existing is None:
                raise NotFound("手続きが見つかりません。", code="procedure_not_found")
            if command.expected_version is not None and \
                    existing.version != command.expected_version:
                raise IllegalTransition("ほかの職員がこの手続きを先に保存しました。画面を開き直して"
                               "から、もう一度変更してください。", code="stale_draft")
            built = existing
            built.edit(command.template, title=checked.procedure.title, by=command.actor.id,
                       at=now)
        if command.channels is not None or command.in_menu is not None:
            built.place(channels=built.channels if command.channels is None
                        else command.channels,
                        menu_label=built.menu_label if command.menu_label is None
                        else command.menu_label,
                        menu_order=(command.menu_order or 1) if command.in_menu
                        else None if command.in_menu is False else built.menu_order,
                        by=command.actor.id, at=now)
        record(uow, command.actor, "procedure.create" if command.new else "procedure.edit",
               "procedure", built.id, at=now)
        uow.commit()
    return built


def start_trial(procedure_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> str:
    """A code staff send as 「試す <code>」 in any chat (the simulator, the web page) to walk
    the draft for 30 minutes; what they submit is not kept."""
    actor.ensure(Permission.BUILD_PROCEDURES, "手続きを試す")
    now = clock.now()
    code = "".join(secrets.choice(TRIAL_ALPHABET) for _ in range(8))
    with uow:
        if not uow.built_procedures.set_trial(procedure_id, code, now + TRIAL_TTL):
            raise NotFound("手続きが見つかりません。", code="procedure_not_found")
        record(uow, actor, "procedure.try", "procedure", procedure_id, at=now)
        uow.commit()
    return code
