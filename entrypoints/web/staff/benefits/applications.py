"""A program's applications (申請): the list with filters and paging, decisions in bulk
(支給決定 / 不支給決定), and an application's page with the account beside the passbook photo."""

from __future__ import annotations

from flask import Response, flash, g, redirect, render_template, request, url_for

from application.benefits import viewing_applications
from application.benefits.checking_account import check_account
from application.benefits.deciding_applications import (
    DecideApplications,
    DecisionReport,
    decide_applications,
)
from application.benefits.viewing_applications import (
    ApplicationSearch,
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
_SEARCH_FIELDS = ("household_number", "resident_number", "name", "date_of_birth")
_REFUSED_SHOWN = 20  # refused applications named in the messages after a bulk decision


def _filters(source=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    args = request.args if source is None else source
    status = args.get("status", "")
    found = {"status": status if status in {s.value for s in ApplicationStatus} else "",
             "channel": args.get("channel", "") if args.get("channel") in CHANNEL_LABELS else "",
             "awaiting": "1" if args.get("awaiting") == "1" else ""}
    found.update({name: args.get(name, "").strip()[:100] for name in _SEARCH_FIELDS})
    return found


def _page(source=None) -> int:  # type: ignore[no-untyped-def]
    raw = (request.args if source is None else source).get("page", "1")
    return max(1, min(int(raw), 10**6)) if raw.isdecimal() else 1


@staff_benefits.get("/programs/<program_id>/applications")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def applications(program_id: str):  # type: ignore[no-untyped-def]
    program = program_or_404(program_id)
    filters, page = _filters(), _page()
    services = container()
    wanted = ApplicationFilter(
        statuses=[ApplicationStatus(filters["status"])] if filters["status"] else [],
        channel=filters["channel"] or None,
        awaiting_account_check=True if filters["awaiting"] else None,
        limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE)
    search = ApplicationSearch(**{name: filters[name] for name in _SEARCH_FIELDS})
    status = 200
    try:
        found = viewing_applications.list_applications(
            program_id, wanted, actor=g.actor, uow=services.uow(), clock=services.clock(),
            search=search, keyer=services.match_keyer())
    except NotFound:
        raise
    except DomainError as error:  # a search staff can fix: the form stays as typed
        flash(error.message, "error")
        found, status = viewing_applications.list_applications(
            program_id, wanted, actor=g.actor, uow=services.uow(),
            clock=services.clock()), 422
    return render_template(
        "staff/benefits/applications.html", program=program,
        applications=found.applications[:PAGE_SIZE], numbers=found.household_numbers,
        heads=found.heads, filters=filters, page=page,
        has_next=len(found.applications) > PAGE_SIZE,
        statuses=list(ApplicationStatus), channels=CHANNEL_LABELS, counts=found.counts,
        searching=search.given, Permission=Permission), status


@staff_benefits.post("/programs/<program_id>/decisions")
@requires_staff_permission(Permission.DECIDE_APPLICATIONS)
def decide(program_id: str):  # type: ignore[no-untyped-def]
    """Decide the chosen applications, then back to the list as it was (post/redirect/get)."""
    program_or_404(program_id)
    back = {key: value for key, value in _filters(request.form).items() if value}
    back["page"] = str(_page(request.form))
    report = _decide(program_id, request.form.getlist("application_ids"))
    if report is not None:
        _flash_report(report, approve=request.form.get("decision") == "approve")
    return redirect(url_for("staff_benefits.applications", program_id=program_id, **back))


@staff_benefits.post("/applications/<application_id>/decision")
@requires_staff_permission(Permission.DECIDE_APPLICATIONS)
def decide_one(application_id: str):  # type: ignore[no-untyped-def]
    """Decide from the application's own page; a refusal keeps what was typed."""
    report = _decide(request.form.get("program_id", ""), [application_id])
    if report is not None and report.decided:
        _flash_report(report, approve=request.form.get("decision") == "approve")
        return redirect(url_for("staff_benefits.application", application_id=application_id))
    if report is not None:
        for _, why in report.refused:
            flash(why, "error")
    return _application_page(application_id, reason=request.form.get("reason", ""),
                             status=422)


def _decide(program_id: str, application_ids: list[str]) -> DecisionReport | None:
    services = container()
    try:
        report = decide_applications(
            DecideApplications(program_id=program_id, application_ids=tuple(application_ids),
                               approve=request.form.get("decision") == "approve",
                               actor=g.actor, reason=request.form.get("reason", "").strip()),
            uow_factory=services.uow, clock=services.clock(), telling=services.telling())
    except NotFound:
        raise
    except DomainError as error:
        flash(error.message, "error")
        return None
    services.outbox_notifier().wake()
    return report


def _flash_report(report: DecisionReport, *, approve: bool) -> None:
    what = "支給決定" if approve else "不支給決定"
    flash(f"{report.decided}件を{what}しました（通知{report.notified}件）。",
          "success" if report.decided else "info")
    if report.refused:
        flash(f"{len(report.refused)}件は決定できませんでした。", "error")
        for application_id, why in report.refused[:_REFUSED_SHOWN]:
            number = report.household_numbers.get(application_id)
            flash(f"世帯番号 {number}: {why}" if number else why, "error")


@staff_benefits.get("/applications/<application_id>")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def application(application_id: str):  # type: ignore[no-untyped-def]
    return _application_page(application_id)


def _application_page(application_id: str, *, reason: str = "",  # type: ignore[no-untyped-def]
                      status: int = 200):
    services = container()
    file = view_application(application_id, actor=g.actor, uow=services.uow(),
                            clock=services.clock(), banks=services.bank_master())
    return render_template("staff/benefits/application.html", application=file.application,
                           program=file.program, household_number=file.household_number,
                           head=file.head, account=file.account, offered=file.offered,
                           channels=CHANNEL_LABELS, reason=reason,
                           decidable=file.application.status is ApplicationStatus.CONFIRMED,
                           Permission=Permission), status
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
