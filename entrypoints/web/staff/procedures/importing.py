"""Importing a template (テンプレートを読み込む): a file uploaded, or one of the library's. The
template is read and checked (`plan_import`); when it names departments the town does not have
or its id is taken, staff map each department onto one of the town's and choose a new id
(the template rides along in the form), then it is saved as a new draft and opens in the
editor. A refusal lists every problem with its place."""

from __future__ import annotations

import json

from flask import flash, g, redirect, render_template, request, url_for

from application.conversations.checking_procedure import Place, Problem
from application.conversations.procedure_templates import TemplateRefused
from application.ports.unit_of_work import ConcurrentUpdate
from application.procedure_builder.importing import (
    ImportTemplate,
    import_procedure,
    plan_import,
    read_json,
)
from application.procedure_builder.viewing import department_names
from domain.access import Permission
from domain.errors import DomainError
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.procedures.blueprint import (
    SHIPPED_IDS,
    problem_lines,
    staff_procedures,
)
from entrypoints.web.staff.procedures.library import library, library_template

__all__: list[str] = []

MAX_BYTES = 512 * 1024  # a template is a few kilobytes


def _page(status: int = 200, **shown):  # type: ignore[no-untyped-def]
    return render_template("staff/procedures/import.html", library=library(),
                           departments=department_names(uow=container().uow()),
                           **shown), status


@staff_procedures.get("/import")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def import_form():  # type: ignore[no-untyped-def]
    return _page()


def _sent_text() -> str | bytes | None:
    """The template's text: the uploaded file, the library's file, or the mapping form's."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        data = upload.stream.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise TemplateRefused((Problem(Place(), "ファイルが大きすぎます（512KBまで）。"),))
        return data
    if request.form.get("library"):
        text = library_template(request.form["library"])
        if text is None:
            raise TemplateRefused((Problem(Place(), "テンプレート集にそのファイルはありません。"),))
        return text
    return request.form.get("template") or None


@staff_procedures.post("/import")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def import_template():  # type: ignore[no-untyped-def]
    services = container()
    try:
        text = _sent_text()
        if text is None:
            flash("読み込むファイルを選んでください。", "error")
            return _page(422)
        data = read_json(text)
        plan = plan_import(data, actor=g.actor, uow=services.uow(), shipped=SHIPPED_IDS)
    except TemplateRefused as refused:
        flash("このテンプレートは読み込めません（何も保存していません）。", "error")
        return _page(422, problems=problem_lines(refused.problems))
    mapping = {name: request.form.get(f"department:{name}", "")
               for name in plan.unknown_departments}
    new_id = request.form.get("procedure_id", "").strip()
    mapped = "template" in request.form  # the mapping form was sent (not the first upload)
    needs = (plan.unknown_departments or plan.id_taken)
    if needs and (not mapped or any(not chosen for chosen in mapping.values())
                  or (plan.id_taken and not new_id)):
        if mapped:
            flash("課をすべて選び、新しいIDを入力してください。", "error")
        return _page(422 if mapped else 200, plan=plan, mapping=mapping, new_id=new_id,
                     text=json.dumps(plan.template, ensure_ascii=False))
    try:
        built = import_procedure(
            ImportTemplate(template=plan.template, actor=g.actor, departments=mapping,
                           procedure_id=new_id or None),
            uow=services.uow(), clock=services.clock(), shipped=SHIPPED_IDS)
    except TemplateRefused as refused:
        flash("このテンプレートは読み込めません（何も保存していません）。", "error")
        return _page(422, problems=problem_lines(refused.problems), plan=plan,
                     mapping=mapping, new_id=new_id,
                     text=json.dumps(plan.template, ensure_ascii=False))
    except (DomainError, ConcurrentUpdate) as error:
        flash(getattr(error, "message", "ほかの職員の操作と重なりました。もう一度お試しください。"),
              "error")
        return _page(422, plan=plan, mapping=mapping, new_id=new_id,
                     text=json.dumps(plan.template, ensure_ascii=False))
    flash(f"「{built.title}」を読み込みました（下書き）。内容を確かめてください。", "success")
    return redirect(url_for("staff_procedures.edit", procedure_id=built.id))
