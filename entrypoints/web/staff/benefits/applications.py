"""A program's applications (申請): the list with filters and paging, decisions in bulk
(支給決定 / 不支給決定), and an application's page with the account beside the passbook photo."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for

from application.benefits import viewing_applications
from application.benefits.checking_account import check_account
from application.benefits.deciding_applications import DecideApplications, decide_applications
from application.benefits.viewing_applications import (
    view_application,
    view_passbook,
)
from application.ports.queries import ApplicationFilter
from domain.access import Permission
from domain.benefits import CHANNEL_LABELS, ApplicationStatus
from domain.errors import DomainError, NotFound
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.benefits.blueprint import program_or_404, staff_benefits

PAGE_SIZE = 50


def _filters() -> dict[str, str]:
    args = request.args
    status = args.get("status", "")
    return {"status": status if status in {s.value for s in ApplicationStatus} else "",
            "channel": args.get("channel", "") if args.get("channel") in CHANNEL_LABELS else "",
            "awaiting": "1" if args.get("awaiting") == "1" else ""}


def _page() -> int:
    raw = request.args.get("page", "1")
    return max(1, min(int(raw), 10**6)) if raw.isdecimal() else 1


@staff_benefits.get("/programs/<program_id>/applications")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def applications(program_id: str):  # type: ignore[no-untyped-def]
    program = program_or_404(program_id)
    filters, page = _filters(), _page()
    found = viewing_applications.list_applications(
        program_id, ApplicationFilter(
            statuses=[ApplicationStatus(filters["status"])] if filters["status"] else [],
            channel=filters["channel"] or None,
            awaiting_account_check=True if filters["awaiting"] else None,
            limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE),
        actor=g.actor, uow=container().uow(), clock=container().clock())
    return render_template(
        "staff/benefits/applications.html", program=program,
        applications=found.applications[:PAGE_SIZE], numbers=found.household_numbers,
        filters=filters, page=page, has_next=len(found.applications) > PAGE_SIZE,
        statuses=list(ApplicationStatus), channels=CHANNEL_LABELS, counts=found.counts)


@staff_benefits.post("/programs/<program_id>/decisions")
@requires_staff_permission(Permission.DECIDE_APPLICATIONS)
def decide(program_id: str):  # type: ignore[no-untyped-def]
    program_or_404(program_id)
    approve = request.form.get("decision") == "approve"
    services = container()
    try:
        report = decide_applications(
            DecideApplications(program_id=program_id,
                               application_ids=tuple(request.form.getlist("application_ids")),
                               approve=approve, actor=g.actor,
                               reason=request.form.get("reason", "").strip()),
            uow_factory=services.uow, clock=services.clock(), telling=services.telling())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff_benefits.applications", program_id=program_id))
    services.outbox_notifier().wake()
    what = "支給決定" if approve else "不支給決定"
    flash(f"{report.decided}件を{what}しました（通知{report.notified}件）。",
          "success" if report.decided else "info")
    if report.refused:
        flash(f"{len(report.refused)}件は決定できませんでした。", "error")
    return render_template("staff/benefits/decided.html", program=program_or_404(program_id),
                           report=report, what=what, numbers=report.household_numbers)


@staff_benefits.get("/applications/<application_id>")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def application(application_id: str):  # type: ignore[no-untyped-def]
    file = view_application(application_id, actor=g.actor, uow=container().uow(),
                            clock=container().clock())
    return render_template("staff/benefits/application.html", application=file.application,
                           program=file.program, household_number=file.household_number,
                           channels=CHANNEL_LABELS)


@staff_benefits.get("/applications/<application_id>/passbook")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def passbook_photo(application_id: str):  # type: ignore[no-untyped-def]
    """The passbook photo the resident sent (kept encrypted; every look is recorded)."""
    services = container()
    kept = view_passbook(application_id, actor=g.actor, source=services.attachment_source(),
                         uow_factory=services.uow, ids=services.ids(), clock=services.clock())
    return Response(kept.content, mimetype=kept.content_type,
                    headers={"Cache-Control": "no-store"})


@staff_benefits.post("/applications/<application_id>/account-check")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def account_check(application_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        check_account(application_id, actor=g.actor, uow=services.uow(),
                      clock=services.clock())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash("口座を確認済みにしました。", "success")
    return redirect(url_for("staff_benefits.application", application_id=application_id))
