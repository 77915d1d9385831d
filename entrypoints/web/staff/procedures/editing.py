"""The builder's list and editor: the town's built procedures, a new one, one being edited
(the draft is the template JSON the editor's script keeps in sync, or staff type it), the
check the script calls as staff type, and saving (checked whole again; nothing is saved on a
problem, and each is shown at its place)."""

from __future__ import annotations

import json
from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for

from application.conversations.checking_procedure import Place, Problem
from application.conversations.procedure_templates import FORMAT, VERSION, TemplateRefused
from application.ports.unit_of_work import ConcurrentUpdate
from application.procedure_builder.drafting import SaveDraft, draft_problems, save_draft
from application.procedure_builder.importing import read_json
from application.procedure_builder.viewing import (
    built_procedures,
    department_names,
    procedure_detail,
)
from application.staff import views as staff_views
from domain.access import Permission
from domain.built_procedures import BuiltProcedure, valid_procedure_id
from domain.errors import DomainError, InvalidValue, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.procedures import fields
from entrypoints.web.staff.procedures.blueprint import (
    SHIPPED_IDS,
    problem_lines,
    staff_procedures,
)
from entrypoints.web.staff.procedures.library import library

__all__ = ["editor_page"]

_OVERLAP = "ほかの職員の操作と重なりました。画面を開き直して、もう一度お試しください。"


def _blank() -> dict[str, Any]:
    return {"format": FORMAT, "version": VERSION,
            "procedure": {"id": "", "title": "", "steps": []}}


@staff_procedures.get("/")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def index():  # type: ignore[no-untyped-def]
    services = container()
    procedures = built_procedures(actor=g.actor, uow=services.uow())
    return render_template("staff/procedures/index.html", procedures=procedures,
                           departments=_routed_to, library=library())


def _routed_to(built: BuiltProcedure) -> str:
    routing = built.draft.get("routing")
    return routing.get("default", "") if isinstance(routing, dict) else ""


def editor_page(built: BuiltProcedure | None, *, text: str, status: int = 200,
                problems: tuple[Problem, ...] = (), placing: dict[str, Any] | None = None,
                expected: str | None = None):  # type: ignore[no-untyped-def]
    """The editor, for a new procedure (`built` None) or one being edited; `text` is the
    template JSON it starts from (what was sent, when a save was refused, with the draft's
    version it was edited from: a stale edit stays stale until the page is opened again)."""
    services = container()
    detail = procedure_detail(built.id, actor=g.actor, uow=services.uow()) \
        if built is not None else None
    now = services.clock().now()
    trial = built.trial_code if built is not None and built.trial_code and \
        built.trial_open(built.trial_code, now) else None
    if placing is None:
        placing = {"channels": built.channels if built else ["line", "web"],
                   "in_menu": built is not None and built.menu_order is not None,
                   "menu_label": built.menu_label if built else "",
                   "menu_order": built.menu_order if built and built.menu_order else ""}
    return render_template(
        "staff/procedures/edit.html", built=built, text=text, problems=problem_lines(problems),
        versions=detail.versions if detail else (),
        departments=department_names(uow=services.uow()), placing=placing, trial=trial,
        trial_expires=built.trial_expires_at if trial and built else None, f=fields,
        staff_names={line.member.id: line.member.display_name
                     for line in staff_views.members(uow=services.uow())} if built else {},
        expected=expected if expected is not None else built.version if built else ""), status


@staff_procedures.get("/new")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def new():  # type: ignore[no-untyped-def]
    return editor_page(None, text=json.dumps(_blank(), ensure_ascii=False, indent=2))


@staff_procedures.get("/<procedure_id>/edit")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def edit(procedure_id: str):  # type: ignore[no-untyped-def]
    built = procedure_detail(procedure_id, actor=g.actor, uow=container().uow()).procedure
    return editor_page(built, text=json.dumps(built.draft, ensure_ascii=False, indent=2))


def _placing() -> dict[str, Any]:
    form = request.form
    return {"channels": form.getlist("channel"), "in_menu": form.get("in_menu") == "1",
            "menu_label": form.get("menu_label", ""), "menu_order": form.get("menu_order", "")}


def _menu_order(text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdecimal():
        raise InvalidValue("メニューの順番は1〜99の数字で入力してください。", code="bad_menu_order")
    return int(text)


@staff_procedures.post("/new")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def create():  # type: ignore[no-untyped-def]
    return _save(None)


@staff_procedures.post("/<procedure_id>/edit")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def save(procedure_id: str):  # type: ignore[no-untyped-def]
    built = procedure_detail(procedure_id, actor=g.actor, uow=container().uow()).procedure
    return _save(built)


def _save(built: BuiltProcedure | None):  # type: ignore[no-untyped-def]
    services = container()
    text = request.form.get("template", "")
    placing = _placing()
    sent = request.form.get("expected_version", "")
    try:
        template = read_json(text)
        if built is not None and isinstance(template, dict) and \
                isinstance(template.get("procedure"), dict):
            template["procedure"]["id"] = built.id  # the id of a saved procedure stays
        saved = save_draft(SaveDraft(
            template=template, actor=g.actor, new=built is None,
            expected_version=int(sent) if sent.isdecimal() else None,
            channels=tuple(placing["channels"]), menu_label=placing["menu_label"],
            menu_order=_menu_order(placing["menu_order"]), in_menu=placing["in_menu"]),
            uow=services.uow(), clock=services.clock(), shipped=SHIPPED_IDS)
    except TemplateRefused as refused:
        flash("保存できませんでした。問題の箇所を直してください（何も保存していません）。", "error")
        return editor_page(built, text=text, status=422, problems=refused.problems,
                           placing=placing, expected=sent)
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return editor_page(built, text=text, status=422, placing=placing, expected=sent)
    except ConcurrentUpdate:
        flash(_OVERLAP, "error")
        return editor_page(built, text=text, status=422, placing=placing, expected=sent)
    flash("保存しました。" if built is not None else "手続きを作成しました（下書き）。", "success")
    return redirect(url_for("staff_procedures.edit", procedure_id=saved.id))


@staff_procedures.post("/check")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def check():  # type: ignore[no-untyped-def]
    """The editor's check as staff type: every problem of the template with its place (JSON).
    Changes nothing."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify({"ok": False, "problems": problem_lines((Problem(
            Place(), "送られた内容が JSON として読めません。"),))}), 400
    template = body.get("template")
    problems = draft_problems(template, uow=container().uow())
    procedure = template.get("procedure") if isinstance(template, dict) else None
    if body.get("new") and isinstance(procedure, dict):
        try:
            valid_procedure_id(str(procedure.get("id") or ""))
            if procedure.get("id") in SHIPPED_IDS:
                raise InvalidValue(f"手続きのID「{procedure.get('id')}」はすでに使われています。")
        except InvalidValue as error:
            problems = (Problem(Place(), error.message), *problems)
    lines = problem_lines(problems)
    for line, problem in zip(lines, problems, strict=True):
        if problem.message.startswith(("手続きのID", "手続きの id")):
            line["section"] = "id"
    return jsonify({"ok": not problems, "problems": lines})
