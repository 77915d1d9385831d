"""Trying, publishing and sharing a built procedure: 試す (a code staff send in a chat for 30
minutes), 公開 (administrators: the draft becomes the next version), 受付終了, and エクスポート
(the template file of the draft or of a published version, named by the procedure's id)."""

from __future__ import annotations

import json

from flask import Response, abort, flash, g, redirect, request, url_for

from application.conversations.procedure_templates import TemplateRefused
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from application.procedure_builder.drafting import start_trial
from application.procedure_builder.publishing import publish_procedure, withdraw_procedure
from application.procedure_builder.viewing import procedure_detail
from domain.access import Permission
from domain.errors import DomainError, NotFound
from entrypoints.builder_wiring import publish_checks
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.procedures.blueprint import staff_procedures
from entrypoints.web.staff.procedures.editing import editor_page

__all__: list[str] = []

_OVERLAP = "ほかの職員の操作と重なりました。画面を開き直して、もう一度お試しください。"


@staff_procedures.post("/<procedure_id>/try")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def try_draft(procedure_id: str):  # type: ignore[no-untyped-def]
    services = container()
    start_trial(procedure_id, actor=g.actor, uow=services.uow(), clock=services.clock())
    flash("試すためのコードを出しました（30分有効）。", "success")
    return redirect(url_for("staff_procedures.edit", procedure_id=procedure_id) + "#trial")


@staff_procedures.post("/<procedure_id>/publish")
@requires_staff_permission(Permission.PUBLISH_PROCEDURES)
def publish(procedure_id: str):  # type: ignore[no-untyped-def]
    services = container()
    here = url_for("staff_procedures.edit", procedure_id=procedure_id)
    try:
        version = publish_procedure(procedure_id, actor=g.actor, uow=services.uow(),
                                    clock=services.clock(),
                                    checks=publish_checks(services))
    except TemplateRefused as refused:
        flash("公開できませんでした。問題の箇所を直してください。", "error")
        built = procedure_detail(procedure_id, actor=g.actor, uow=services.uow()).procedure
        return editor_page(built, text=json.dumps(built.draft, ensure_ascii=False, indent=2),
                           status=422, problems=refused.problems)
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(here)
    except (ConcurrentUpdate, DuplicateError):
        flash(_OVERLAP, "error")
        return redirect(here)
    flash(f"第{version.number}版を公開しました。", "success")
    return redirect(here)


@staff_procedures.post("/<procedure_id>/withdraw")
@requires_staff_permission(Permission.PUBLISH_PROCEDURES)
def withdraw(procedure_id: str):  # type: ignore[no-untyped-def]
    services = container()
    here = url_for("staff_procedures.edit", procedure_id=procedure_id)
    try:
        withdraw_procedure(procedure_id, actor=g.actor, uow=services.uow(),
                           clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return redirect(here)
    except ConcurrentUpdate:
        flash(_OVERLAP, "error")
        return redirect(here)
    flash("受付を終了しました。途中の住民は最後まで進めます。", "success")
    return redirect(here)


@staff_procedures.get("/<procedure_id>/export")
@requires_staff_permission(Permission.BUILD_PROCEDURES)
def export(procedure_id: str):  # type: ignore[no-untyped-def]
    """The template file: the draft, or `?version=N` a published version. No personal data,
    no town's ids (departments by name)."""
    detail = procedure_detail(procedure_id, actor=g.actor, uow=container().uow())
    wanted = request.args.get("version", "")
    if wanted:
        found = [v for v in detail.versions if str(v.number) == wanted]
        if not found:
            abort(404)
        template, name = found[0].template, f"{procedure_id}-v{found[0].number}.json"
    else:
        template, name = detail.procedure.draft, f"{procedure_id}.json"
    body = json.dumps(template, ensure_ascii=False, indent=2) + "\n"
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{name}"'})
