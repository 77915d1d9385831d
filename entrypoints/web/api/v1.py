"""REST API v1: programs and jobs. Bearer API keys; JSON errors; documented in openapi.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, url_for

from application.benefits import views as benefit_views
from application.benefits.changing_program_status import (
    ChangeProgramStatus,
    change_program_status,
)
from application.benefits.creating_program import CreateProgram, create_program
from application.benefits.withdrawing_program import WithdrawProgram, withdraw_program
from application.jobs.running import job_status
from application.residents import reviewing_verifications
from application.residents.deciding_verification import DecideVerification, decide_verification
from application.residents.reviewing_verifications import VerificationFile
from domain.access import Permission
from domain.benefits import BenefitProgram
from domain.verifications import VerificationStatus
from entrypoints.web.access import public, requires_api_permission
from entrypoints.web.api.openapi import openapi_document
from entrypoints.web.api.paging import fetched, page_args, timestamp_after
from entrypoints.web.api.reading import (
    datetime_field,
    field,
    json_body,
    refuse_unstorable_text,
)
from entrypoints.web.api.roles import with_roles
from entrypoints.web.api.shapes import facts_json, job_json
from entrypoints.web.errors import ApiError
from entrypoints.web.services import container

__all__ = ["api_v1"]

api_v1 = Blueprint("api_v1", __name__, url_prefix="/api/v1")
api_v1.before_app_request(refuse_unstorable_text)


@api_v1.get("/openapi.json")
@public
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(with_roles(openapi_document(), current_app))


@api_v1.get("/programs")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def list_programs():  # type: ignore[no-untyped-def]
    return jsonify({"programs": [_program_json(p)
                                 for p in benefit_views.programs(uow=container().uow())]})


@api_v1.post("/programs")
@requires_api_permission(Permission.MANAGE_PROGRAMS)
def create_program_view():  # type: ignore[no-untyped-def]
    body = json_body()
    command = CreateProgram(
        actor=g.actor,
        name=field(body, "name", str),
        amount_yen=field(body, "amount_per_household", int),
        eligibility_source=field(body, "eligibility_source", str),
        opens_at=datetime_field(body, "opens_at"),
        closes_at=datetime_field(body, "closes_at"),
        payout_methods=tuple(field(body, "payout_methods", list)),
        notice_text=field(body, "notice_text", str, required=False) or "",
        decision_text=field(body, "decision_text", str, required=False) or "",
        rejection_text=field(body, "rejection_text", str, required=False) or "",
    )
    services = container()
    program_id = create_program(command, uow=services.uow(), ids=services.ids(),
                                clock=services.clock())
    response = jsonify(_program_json(benefit_views.program(program_id, uow=services.uow())))
    response.status_code = 201
    response.headers["Location"] = url_for("api_v1.get_program", program_id=program_id)
    return response


@api_v1.get("/programs/<program_id>")
@requires_api_permission(Permission.VIEW_PROGRAMS)
def get_program(program_id: str):  # type: ignore[no-untyped-def]
    return jsonify(_program_json(benefit_views.program(program_id, uow=container().uow())))


@api_v1.post("/programs/<program_id>/status")
@requires_api_permission(Permission.MANAGE_PROGRAMS)
def change_program_status_view(program_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    wanted = field(body, "status", str)
    if wanted == "withdrawn":  # with its reason; refused while a batch holds a payment
        reason = body.get("reason") if isinstance(body.get("reason"), str) else ""
        withdraw_program(WithdrawProgram(program_id=program_id, reason=reason, actor=g.actor),
                         uow=container().uow(), clock=container().clock())
        return jsonify({"id": program_id, "status": "withdrawn"})
    status = change_program_status(
        ChangeProgramStatus(program_id=program_id, status=wanted, actor=g.actor),
        uow=container().uow(), clock=container().clock())
    return jsonify({"id": program_id, "status": status.value})


@api_v1.get("/jobs/<job_id>")
@requires_api_permission(Permission.VIEW_JOBS)
def get_job(job_id: str):  # type: ignore[no-untyped-def]
    """A job's progress and result, to those who may see its kind's report (an import's report
    can quote rows of the file)."""
    job = job_status(job_id, uow=container().uow())
    if not g.actor.may(container().job_catalog().kind(job.name).report_permission):
        raise ApiError(403, "forbidden", "このAPIキーの役割ではこのジョブの結果を見られません。")
    return jsonify(job_json(job))


@api_v1.get("/verifications")
@requires_api_permission(Permission.REVIEW_VERIFICATIONS)
def list_verifications():  # type: ignore[no-untyped-def]
    """The staff review queue: each verification beside the registry people it might be."""
    try:
        status = VerificationStatus(request.args.get("status", "review"))
    except ValueError:
        raise ApiError(422, "invalid_field", "status は review、unmatched、linked、rejected "
                                             "のいずれかです。") from None
    page = page_args("verifications", str, str)
    shown, cursor = fetched(  # the oldest first
        "verifications", page,
        lambda limit, after: reviewing_verifications.list_verifications(
            status, actor=g.actor, uow=container().uow(), clock=container().clock(),
            keyer=container().match_keyer(), limit=limit, after=after),
        _verification_key, timestamp_after)
    return jsonify({"verifications": [_verification_json(file) for file in shown],
                    "next_cursor": cursor})


def _verification_key(file: VerificationFile) -> tuple[str, str]:
    return (file.verification.verified_at.isoformat(), file.verification.id)


@api_v1.post("/verifications/<verification_id>/decision")
@requires_api_permission(Permission.REVIEW_VERIFICATIONS)
def decide_verification_view(verification_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    link_to = field(body, "link_to", str, required=False)
    reason = field(body, "reject", str, required=False)
    if (link_to is None) == (reason is None):
        raise ApiError(422, "invalid_field", "link_to（住民ID）か reject（理由）のどちらか一方を"
                                             "指定してください。")
    services = container()
    record = decide_verification(
        DecideVerification(verification_id=verification_id, actor=g.actor, link_to=link_to,
                           reason=reason or ""),
        uow=services.uow(), clock=services.clock())
    services.outbox_notifier().wake()
    return jsonify({"id": record.id, "status": record.status.value,
                    "resident_id": record.resident_id})


def _verification_json(file: VerificationFile) -> dict[str, Any]:
    record, candidates = file.verification, file.candidates
    compared = list(file.comparisons) or [None] * len(candidates)
    return {
        "id": record.id, "status": record.status.value, "outcome": record.outcome.value,
        "reason": record.reason, "provider": record.provider,
        "verified_at": record.verified_at.isoformat(), "facts": facts_json(record.facts),
        "candidates": [
            {"resident_id": r.id, "resident_number": r.resident_number,
             "registry_status": r.registry_status.label,
             "facts": facts_json(r.facts) if r.facts else None,
             "same": list(c.equal) if c else None, "different": list(c.different) if c else None}
            for r, c in zip(candidates, compared, strict=True)
        ],
    }


def _program_json(program: BenefitProgram) -> dict[str, Any]:
    return {
        "id": program.id,
        "name": program.name,
        "amount_per_household": program.amount_per_household.yen,
        "eligibility_source": program.eligibility_source,
        "opens_at": program.window.opens_at.isoformat(),
        "closes_at": program.window.closes_at.isoformat(),
        "payout_methods": sorted(m.value for m in program.payout_methods),
        "status": program.status.value,
        "notice_text": program.notice_text,
        "decision_text": program.decision_text,
        "rejection_text": program.rejection_text,
    }
