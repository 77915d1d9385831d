"""REST API v1 for benefit programs' work: eligibility lists, campaigns, applications,
decisions, paper applications and the postal list. Documented in openapi_benefits.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from application.benefits import viewing_applications
from application.benefits import views as benefit_views
from application.benefits.checking_account import check_account
from application.benefits.deciding_applications import (
    DecideApplications,
    DecisionReport,
    decide_applications,
)
from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from application.benefits.reach import split
from application.benefits.sending_campaign import preview_campaign, start_campaign
from application.benefits.viewing_applications import (
    view_application,
    view_passbook,
)
from application.benefits.viewing_household import household_numbers
from application.jobs.job import Job
from application.jobs.running import job_status
from application.ports.queries import ApplicationFilter
from domain.access import Permission
from domain.benefits import Application, ApplicationStatus
from domain.eligibility import Campaign
from domain.values import JST
from entrypoints.web.access import requires_api_permission
from entrypoints.web.api.paging import cursor_of, page_args
from entrypoints.web.api.reading import field, int_arg, json_body
from entrypoints.web.api.shapes import application_json, job_json
from entrypoints.web.downloads import applications_export_response, postal_csv_response
from entrypoints.web.errors import ApiError
from entrypoints.web.services import container
from entrypoints.web.uploads import ELIGIBILITY_MODES, start_eligibility_import

__all__ = ["api_v1_benefits"]

api_v1_benefits = Blueprint("api_v1_benefits", __name__, url_prefix="/api/v1")


def _program_or_404(program_id: str) -> None:
    benefit_views.program(program_id, uow=container().uow())


@api_v1_benefits.post("/programs/<program_id>/eligibility")
@requires_api_permission(Permission.MANAGE_PROGRAMS)
def import_eligibility_view(program_id: str):  # type: ignore[no-untyped-def]
    """The list as the request body (text/csv) or a multipart `file`; imported by a job."""
    _program_or_404(program_id)
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        raise ApiError(422, "missing_file", "CSVファイルを送ってください。")
    mode = request.args.get("mode", "all_or_nothing")
    if mode not in ELIGIBILITY_MODES:
        raise ApiError(422, "invalid_field", "mode は all_or_nothing か valid_rows です。")
    job_id = start_eligibility_import(program_id, data, mode)
    services = container()
    response = jsonify(job_json(job_status(job_id, uow=services.uow())))
    response.status_code = 202
    return response


@api_v1_benefits.get("/programs/<program_id>/eligibility")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def eligibility_split(program_id: str):  # type: ignore[no-untyped-def]
    _program_or_404(program_id)
    services = container()
    return jsonify(split(program_id, uow=services.uow(),
                         policy=services.contact_policy()).to_json())


@api_v1_benefits.get("/programs/<program_id>/campaigns/preview")
@requires_api_permission(Permission.MANAGE_PROGRAMS)
def preview_campaign_view(program_id: str):  # type: ignore[no-untyped-def]
    services = container()
    preview = preview_campaign(program_id, uow=services.uow(), clock=services.clock(),
                               banks=services.bank_master(), policy=services.contact_policy())
    return jsonify(preview.to_json())


@api_v1_benefits.post("/programs/<program_id>/campaigns")
@requires_api_permission(Permission.MANAGE_PROGRAMS)
def start_campaign_view(program_id: str):  # type: ignore[no-untyped-def]
    services = container()
    campaign = start_campaign(program_id, actor=g.actor, uow=services.uow(),
                              queue=services.job_queue(), ids=services.ids(),
                              clock=services.clock(), banks=services.bank_master(),
                              policy=services.contact_policy())
    response = jsonify(_campaign_json(campaign, job_status(campaign.job_id, uow=services.uow())))
    response.status_code = 202
    return response


@api_v1_benefits.get("/programs/<program_id>/campaigns")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def list_campaigns(program_id: str):  # type: ignore[no-untyped-def]
    runs, outcomes = benefit_views.campaigns(program_id, uow=container().uow())
    return jsonify({"campaigns": [_campaign_json(run.campaign, run.job) for run in runs],
                    "notice_outcomes": outcomes})


def _campaign_json(campaign: Campaign, job: Job | None) -> dict[str, Any]:
    return {"id": campaign.id, "program_id": campaign.program_id,
            "recipients": campaign.recipients, "started_at": campaign.started_at.isoformat(),
            "job": job_json(job) if job else None}


@api_v1_benefits.get("/programs/<program_id>/applications")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def list_applications(program_id: str):  # type: ignore[no-untyped-def]
    _program_or_404(program_id)
    try:
        statuses = [ApplicationStatus(s) for s in request.args.getlist("status")]
    except ValueError:
        allowed = "、".join(s.value for s in ApplicationStatus)
        raise ApiError(422, "invalid_field", f"status は {allowed} のいずれかです。") from None
    awaiting = request.args.get("awaiting_account_check")
    page = page_args("applications", str)
    offset = int_arg("offset", 0, 0, 10**9) if "offset" in request.args else None
    after = None if offset is not None else str(page.after[0]) if page.after else ""
    found = viewing_applications.list_applications(
        program_id, ApplicationFilter(
            statuses=statuses, channel=request.args.get("channel") or None,
            awaiting_account_check=None if awaiting is None else awaiting == "true",
            limit=page.limit, offset=offset or 0, after_id=after),
        actor=g.actor, uow=container().uow(), clock=container().clock())
    shown = list(found.applications)
    # a full page may have more after it (the next page may then be empty)
    more = offset is None and len(shown) == page.limit
    return jsonify({"applications": [application_json(a, found.household_numbers.get(
        a.household_id, "")) for a in shown],
                    "counts": {s.value: n for s, n in found.counts.items()},
                    "next_cursor": cursor_of("applications", (shown[-1].id,)) if more else None})


@api_v1_benefits.get("/applications/<application_id>")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def get_application(application_id: str):  # type: ignore[no-untyped-def]
    return _application_with_account(application_id)


def _application_with_account(application_id: str) -> Response:
    file = view_application(application_id, actor=g.actor, uow=container().uow(),
                            clock=container().clock())
    return jsonify(application_json(file.application, file.household_number,
                                    with_account=True))


@api_v1_benefits.get("/applications/<application_id>/passbook")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def passbook_photo(application_id: str):  # type: ignore[no-untyped-def]
    """The passbook photo the resident sent, to compare with the account (the look is logged)."""
    services = container()
    kept = view_passbook(application_id, actor=g.actor, source=services.attachment_source(),
                         uow_factory=services.uow, ids=services.ids(), clock=services.clock())
    return Response(kept.content, mimetype=kept.content_type,
                    headers={"Cache-Control": "no-store"})


@api_v1_benefits.post("/applications/<application_id>/account-check")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def check_account_view(application_id: str):  # type: ignore[no-untyped-def]
    services = container()
    checked = check_account(application_id, actor=g.actor, uow=services.uow(),
                            clock=services.clock())
    number = household_numbers([checked.household_id], uow=services.uow())
    return jsonify(application_json(checked, number.get(checked.household_id, ""),
                                    with_account=True))


@api_v1_benefits.post("/programs/<program_id>/decisions")
@requires_api_permission(Permission.DECIDE_APPLICATIONS)
def decide_view(program_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    decision = field(body, "decision", str)
    if decision not in ("approve", "reject"):
        raise ApiError(422, "invalid_field", "decision は approve か reject です。")
    wanted = field(body, "application_ids", list)
    if not all(isinstance(i, str) for i in wanted):
        raise ApiError(422, "invalid_field", "application_ids は申請IDの配列です。")
    services = container()
    report = decide_applications(
        DecideApplications(program_id=program_id, application_ids=tuple(wanted),
                           approve=decision == "approve", actor=g.actor,
                           reason=field(body, "reason", str, required=False) or ""),
        uow_factory=services.uow, clock=services.clock(), telling=services.telling())
    services.outbox_notifier().wake()
    return jsonify(_decision_json(report, wanted, approve=decision == "approve"))


def _decision_json(report: DecisionReport, wanted: list[str], *,
                   approve: bool) -> dict[str, Any]:
    """200 even when some applications were refused: each one's outcome is in `outcomes`, and
    `all_decided` says whether every one asked for was decided."""
    refused = dict(report.refused)
    done = "approved" if approve else "rejected"
    outcomes = [{"id": i, "outcome": "refused", "message": refused[i],
                 "household_number": report.household_numbers.get(i)} if i in refused
                else {"id": i, "outcome": done, "message": None, "household_number": None}
                for i in dict.fromkeys(wanted)]
    return {"requested": len(outcomes), "decided": report.decided,
            "notified": report.notified, "all_decided": not refused, "outcomes": outcomes,
            "refused": [{"id": i, "message": m,
                         "household_number": report.household_numbers.get(i)}
                        for i, m in report.refused]}


@api_v1_benefits.post("/programs/<program_id>/paper-applications")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def enter_paper_view(program_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    received = field(body, "received_on", str, required=False)
    received_at = None
    if received is not None:
        try:
            day = dt.date.fromisoformat(received)
        except ValueError:
            raise ApiError(422, "invalid_field", "received_on は YYYY-MM-DD です。") from None
        today = container().clock().now().astimezone(JST).date()
        # Today's form counts as received now; an earlier one at noon of its day (Japan time).
        received_at = None if day == today else dt.datetime.combine(day, dt.time(12),
                                                                     tzinfo=JST)
    account = field(body, "account", dict, required=False) or {}
    services = container()
    application = enter_paper_application(
        EnterPaperApplication(
            program_id=program_id,
            household_number=field(body, "household_number", str),
            payout_method=field(body, "payout_method", str), actor=g.actor,
            received_at=received_at,
            bank_code=str(account.get("bank_code", "")),
            branch_code=str(account.get("branch_code", "")),
            account_type=str(account.get("account_type", "1")),
            account_number=str(account.get("number", "")),
            holder_kana=str(account.get("holder_kana", "")),
            yucho_symbol=str(account.get("yucho_symbol", "")),
            yucho_number=str(account.get("yucho_number", ""))),
        uow=services.uow(), ids=services.ids(), clock=services.clock())
    response = jsonify(application_json(application, application_number(application)))
    response.status_code = 201
    return response


@api_v1_benefits.get("/programs/<program_id>/postal.csv")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def postal_list(program_id: str):  # type: ignore[no-untyped-def]
    """For the mail merge: CP932 (what Excel and town printers read), CRLF."""
    _program_or_404(program_id)
    return postal_csv_response(program_id)


@api_v1_benefits.get("/programs/<program_id>/applications.csv")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def export_applications_csv(program_id: str):  # type: ignore[no-untyped-def]
    """Applications and decisions for 決裁 and finance: CP932, CRLF, streamed."""
    _program_or_404(program_id)
    return applications_export_response(program_id, "csv")


@api_v1_benefits.get("/programs/<program_id>/applications.xlsx")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def export_applications_xlsx(program_id: str):  # type: ignore[no-untyped-def]
    """The same as an Excel workbook."""
    _program_or_404(program_id)
    return applications_export_response(program_id, "xlsx")


def application_number(application: Application) -> str:
    found = household_numbers([application.household_id], uow=container().uow())
    return found.get(application.household_id, "")
