"""Administration: the audit log search and the registry import (with its progress bar)."""

from __future__ import annotations

import datetime as dt

from flask import flash, g, redirect, render_template, request, url_for

from application.audit.searching import search_audit_log, verify_audit_log
from application.ports.audit import AuditQuery
from domain.access import Permission
from entrypoints.jobs import IMPORT_REGISTRY_UPLOAD
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.audit_actions import (
    ACTION_GROUPS,
    ACTIONS,
    TARGETS,
    actor_name,
    detail_fields,
)
from entrypoints.web.staff.formatting import JST
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav
from entrypoints.web.uploads import keep_upload, start_upload_job

register_nav(staff,
             NavEntry("監査ログ", "staff.audit_log", Permission.VIEW_AUDIT_LOG, 900),
             NavEntry("住民記録の取り込み", "staff.registry_import", Permission.IMPORT_REGISTRY,
                      910))

_MAX_UPLOAD = 200 * 1024 * 1024
AUDIT_PAGE = 50  # records per page of the audit log


def _day(text: str, *, end: bool = False) -> dt.datetime | None:
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
    moment = dt.datetime.combine(day, dt.time(), JST)
    return moment + dt.timedelta(days=1) if end else moment


@staff.get("/audit")
@requires_staff_permission(Permission.VIEW_AUDIT_LOG)
def audit_log():  # type: ignore[no-untyped-def]
    args = request.args
    query = AuditQuery(actor_label=args.get("actor", "").strip().lower(),
                       action=args.get("action", "").strip(),
                       target_type=args.get("target_type", "").strip(),
                       target_id=args.get("target_id", "").strip(),
                       since=_day(args.get("since", "")),
                       until=_day(args.get("until", ""), end=True), limit=AUDIT_PAGE,
                       before_seq=_seq(args.get("before", "")),
                       after_seq=_seq(args.get("after", "")))
    services = container()
    page = search_audit_log(query, actor=g.actor, uow=services.uow(), clock=services.clock())
    filters = {k: v for k, v in args.items() if k not in ("before", "after") and v}
    return render_template(
        "staff/admin/audit.html", page=page, args=args, filters=filters, actions=ACTIONS,
        action_groups=_grouped_actions(), targets=TARGETS, detail_fields=detail_fields,
        actor_name=actor_name)


def _seq(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def _grouped_actions() -> list[tuple[str, list[tuple[str, str]]]]:
    """The filter's choices: every action of the catalogue, in its group."""
    return [(group, [(key, label) for key, label in ACTIONS.items() if key.startswith(prefixes)])
            for group, prefixes in ACTION_GROUPS]


@staff.post("/audit/verify")
@requires_staff_permission(Permission.VIEW_AUDIT_LOG)
def audit_verify():  # type: ignore[no-untyped-def]
    services = container()
    report = verify_audit_log(actor=g.actor, uow_factory=services.uow, clock=services.clock())
    if report.intact:
        flash(f"監査ログは改ざんされていません（{report.checked:,}件を検証）。", "success")
    else:
        flash(f"監査ログの記録 {report.broken_at} で不整合が見つかりました: {report.problem}",
              "error")
    return redirect(url_for("staff.audit_log"))


@staff.route("/registry-import", methods=["GET", "POST"])
@requires_staff_permission(Permission.IMPORT_REGISTRY)
def registry_import():  # type: ignore[no-untyped-def]
    if request.method != "POST":  # GET and HEAD (which Flask adds) only show the form
        return render_template("staff/admin/registry_import.html", form={})
    upload = request.files.get("file")
    form = {key: request.form.get(key, "") for key in ("valid_rows", "partial")}
    if upload is None or not upload.filename:
        flash("取り込むCSVファイルを選んでください。", "error")
        return render_template("staff/admin/registry_import.html", form=form), 422
    path = keep_upload(upload.stream, prefix="registry")
    if path.stat().st_size == 0:
        path.unlink()
        flash("ファイルが空です。", "error")
        return render_template("staff/admin/registry_import.html", form=form), 422
    job_id = start_upload_job(IMPORT_REGISTRY_UPLOAD, path,
                              {"mode": "valid_rows" if request.form.get("valid_rows") else
                               "all_or_nothing",
                               "full_extract": not request.form.get("partial")},
                              partial=bool(request.form.get("partial")),
                              valid_rows=bool(request.form.get("valid_rows")))
    return redirect(url_for("staff.job_page", job_id=job_id))
