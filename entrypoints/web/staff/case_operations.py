"""The inbox's operations on the staff pages (ADR 0047): the 受付箱 badge in the navigation,
the cases' export (CSV or Excel, per period and department) and each department's canned
replies (定型文). Every change and the export are audited by their use cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import InterfaceError, OperationalError

from adapters.csv_io import cp932_csv
from adapters.xlsx_io import XLSX_TYPE, xlsx_workbook
from application.cases.case_figures import case_figures
from application.cases.exporting_cases import CASE_COLUMNS, ExportCases, export_cases
from application.cases.inbox_badge import new_cases_count
from application.cases.keeping_canned_replies import (
    AddCannedReply,
    DeleteCannedReply,
    add_canned_reply,
    canned_replies,
    delete_canned_reply,
    keepable_departments,
)
from application.cases.untouched import is_untouched, untouched_before
from application.cases.viewing_cases import CaseFile, CaseList
from domain.access import Permission
from domain.cases import CaseStatus
from domain.errors import DomainError, InvalidValue, NotAllowed, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.formatting import JST
from entrypoints.web.staff.forms import keep_form, kept_form
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["case_dashboard", "inbox_extras", "reply_extras", "staff_case_ops"]

FIGURE_DAYS = 30  # the dashboard's period

staff_case_ops = Blueprint("staff_case_ops", __name__, url_prefix="/staff")
use_staff_error_pages(staff_case_ops)
register_nav(staff_case_ops, NavEntry("定型文", "staff_case_ops.canned", Permission.HANDLE_CASES,
                                      order=56))


@staff_case_ops.app_context_processor
def _badges():  # type: ignore[no-untyped-def]
    """The count of 新規 cases beside 受付箱 (a page whose database is out of reach: none)."""
    actor = g.get("actor")
    if not request.path.startswith("/staff") or actor is None:
        return {}
    try:
        count = new_cases_count(actor, container().uow())
    except (OperationalError, InterfaceError):
        return {}
    return {"nav_badges": {"staff_cases.index": count}} if count else {}


def inbox_extras(found: CaseList) -> dict[str, Any]:
    """What the inbox page adds to its list: which cases are 「滞留」, and the export form."""
    services = container()
    today = services.clock().now().astimezone(JST).date()
    days = services.config.case_untouched_days()
    cutoff = untouched_before(today, days, services.office_calendar())
    departments = keepable_departments(g.actor, uow=services.uow())
    return {"untouched": {c.id for c in found.cases if is_untouched(c, cutoff)},
            "untouched_days": days, "export_departments": departments,
            "export_since": today.replace(day=1).isoformat(), "export_until": today.isoformat()}


def reply_extras(file: CaseFile) -> dict[str, Any]:
    """The case's department's canned replies for the reply form, and the one chosen (its text
    goes into the form: `?canned=<id>`)."""
    department = file.department
    if department is None or not file.case.status.is_open:
        return {"canned": (), "canned_chosen": "", "canned_text": ""}
    replies = canned_replies(department.id, actor=g.actor, uow=container().uow()).replies
    chosen = request.args.get("canned", "")
    text = next((r.text for r in replies if r.id == chosen), "")
    return {"canned": replies, "canned_chosen": chosen, "canned_text": text}


def case_dashboard() -> dict[str, Any]:
    """The inbox's figures on the dashboard: the last 30 days' cases."""
    services = container()
    today = services.clock().now().astimezone(JST).date()
    figures = case_figures(today=today, days=FIGURE_DAYS, uow=services.uow(),
                           calendar=services.office_calendar(),
                           untouched_days=services.config.case_untouched_days())
    return {"cases": figures, "case_statuses": list(CaseStatus)}


def _day(name: str, default: dt.date) -> dt.date:
    text = request.args.get(name, "").strip()
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidValue("日付は 2026-12-05 の形で指定してください。", code="bad_date") from None


@staff_case_ops.get("/cases/export")
@requires_staff_permission(Permission.HANDLE_CASES)
def export():  # type: ignore[no-untyped-def]
    """The cases opened in a period (default: this month so far), as CSV (CP932, formulas
    neutralised) or Excel."""
    services = container()
    today = services.clock().now().astimezone(JST).date()
    file_format = request.args.get("format", "csv")
    try:
        result = export_cases(ExportCases(
            since=_day("since", today.replace(day=1)), until=_day("until", today),
            format=file_format, actor=g.actor,
            department_id=request.args.get("department", "")),
            uow_factory=services.uow, clock=services.clock())
    except (InvalidValue, NotAllowed) as error:
        flash(error.message, "error")
        return redirect(url_for("staff_cases.index"))
    if file_format == "csv":
        body, content_type = cp932_csv(CASE_COLUMNS, result.rows), "text/csv; charset=shift_jis"
    else:
        body, content_type = xlsx_workbook(CASE_COLUMNS, result.rows, sheet="案件一覧"), XLSX_TYPE
    # the rows need no request context: their generator holds its own unit of work
    return Response(body, content_type=content_type, headers={
        "Content-Disposition": f"attachment; filename=cases.{file_format}",
        "Cache-Control": "no-store"})


@staff_case_ops.get("/canned-replies")
@requires_staff_permission(Permission.HANDLE_CASES)
def canned():  # type: ignore[no-untyped-def]
    services = container()
    departments = keepable_departments(g.actor, uow=services.uow())
    lists = [canned_replies(d.id, actor=g.actor, uow=services.uow()) for d in departments]
    return render_template("staff/cases/canned_replies.html", lists=lists,
                           form=kept_form(url_for("staff_case_ops.canned")))


@staff_case_ops.post("/canned-replies")
@requires_staff_permission(Permission.HANDLE_CASES)
def add_canned():  # type: ignore[no-untyped-def]
    services = container()
    here = url_for("staff_case_ops.canned")
    try:
        add_canned_reply(AddCannedReply(department_id=request.form.get("department_id", ""),
                                        title=request.form.get("title", ""),
                                        text=request.form.get("text", ""), actor=g.actor),
                         uow=services.uow(), ids=services.ids(), clock=services.clock())
    except (NotFound, NotAllowed):
        raise
    except DomainError as error:
        flash(error.message, "error")
        keep_form(here, "department_id", "title", "text")
        return redirect(here)
    flash("定型文を追加しました。", "success")
    return redirect(here)


@staff_case_ops.post("/canned-replies/<reply_id>/delete")
@requires_staff_permission(Permission.HANDLE_CASES)
def delete_canned(reply_id: str):  # type: ignore[no-untyped-def]
    services = container()
    delete_canned_reply(DeleteCannedReply(reply_id=reply_id, actor=g.actor),
                        uow=services.uow(), clock=services.clock())
    flash("定型文を削除しました。", "success")
    return redirect(url_for("staff_case_ops.canned"))
