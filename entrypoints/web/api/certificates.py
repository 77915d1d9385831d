"""REST API v1: the certificate issue queue. Paid requests in order; one request with the
applicant's verified facts (every look is recorded); issue, mail, reject (the fee refunded)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, jsonify, request

from application.certificates.issuing_certificate import (
    HandleCertificateRequest,
    StaffAction,
    handle_certificate_request,
)
from application.certificates.notices import receipt_number
from application.certificates.queue import QUEUE_STATES, list_queue, request_file
from application.payments.refunding import RefundFailed
from domain.access import Permission
from domain.certificates import CertificateRequest, IssueState
from domain.residents import Resident
from entrypoints.web.access import requires_api_permission
from entrypoints.web.api.paging import fetched, page_args, timestamp_after
from entrypoints.web.api.reading import optional_body
from entrypoints.web.api.shapes import facts_json, iso
from entrypoints.web.downloads import slip_pdf_response
from entrypoints.web.errors import ApiError
from entrypoints.web.services import container

__all__ = ["api_certificates"]

api_certificates = Blueprint("api_certificates", __name__, url_prefix="/api/v1")


@api_certificates.get("/certificate-requests")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def list_certificate_requests():  # type: ignore[no-untyped-def]
    """Paid requests waiting to be issued or mailed, the longest-waiting first."""
    wanted = request.args.get("state")
    if wanted is None:
        states = QUEUE_STATES
    else:
        try:
            states = (IssueState(wanted),)
        except ValueError:
            raise ApiError(422, "invalid_field", "state は waiting、issued、mailed、rejected "
                                                 "のいずれかです。") from None
    page = page_args("certificate_requests", str, str)
    shown, cursor = fetched(  # the longest-waiting first
        "certificate_requests", page,
        lambda limit, after: list_queue(uow=container().uow(), states=states, limit=limit,
                                        after=after),
        _queue_key, timestamp_after)
    return jsonify({"certificate_requests": [_request_json(r) for r in shown],
                    "next_cursor": cursor})


def _queue_key(r: CertificateRequest) -> tuple[str, str]:
    return (r.paid_at.isoformat() if r.paid_at else "", r.id)


@api_certificates.get("/certificate-requests/<request_id>")
@requires_api_permission(Permission.VIEW_RESIDENTS)
def get_certificate_request(request_id: str):  # type: ignore[no-untyped-def]
    services = container()
    file = request_file(request_id, actor=g.actor, uow=services.uow(), clock=services.clock())
    body = _request_json(file.request)
    body["requester"] = _person_json(file.requester)
    body["subject"] = _person_json(file.subject)
    return jsonify(body)


@api_certificates.get("/certificate-requests/<request_id>/slip.pdf")
@requires_api_permission(Permission.VIEW_RESIDENTS)
def certificate_request_slip(request_id: str):  # type: ignore[no-untyped-def]
    response = slip_pdf_response(request_id)
    return response


@api_certificates.post("/certificate-requests/<request_id>/issue")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def issue_certificate_request(request_id: str):  # type: ignore[no-untyped-def]
    return _act(request_id, StaffAction.ISSUE)


@api_certificates.post("/certificate-requests/<request_id>/mail")
@requires_api_permission(Permission.HANDLE_APPLICATIONS)
def mail_certificate_request(request_id: str):  # type: ignore[no-untyped-def]
    body = optional_body()
    tracking = body.get("tracking_number")
    if tracking is not None and not isinstance(tracking, str):
        raise ApiError(422, "invalid_field", "項目「tracking_number」は文字列で指定してください。")
    return _act(request_id, StaffAction.MAIL, tracking_number=tracking)


@api_certificates.post("/certificate-requests/<request_id>/reject")
@requires_api_permission(Permission.DECIDE_APPLICATIONS)
def reject_certificate_request(request_id: str):  # type: ignore[no-untyped-def]
    reason = optional_body().get("reason")
    if not isinstance(reason, str) or not reason.strip():
        raise ApiError(422, "missing_field", "項目「reason」（交付できない理由）を指定して"
                                             "ください。")
    return _act(request_id, StaffAction.REJECT, reason=reason)


def _act(request_id: str, action: StaffAction, **details: Any):  # type: ignore[no-untyped-def]
    services = container()
    try:
        done = handle_certificate_request(
            HandleCertificateRequest(request_id=request_id, actor=g.actor, action=action,
                                     **details),
            uow=services.uow(), clock=services.clock(), gateway=services.payment_gateway())
    except RefundFailed as error:  # the provider's doing: nothing was recorded
        raise ApiError(502, error.code, error.message) from None
    services.outbox_notifier().wake()
    return jsonify(_request_json(done))


def _request_json(r: CertificateRequest) -> dict[str, Any]:
    return {
        "id": r.id, "receipt_number": receipt_number(r), "kind": r.kind.value,
        "kind_label": r.kind.label, "copies": r.copies, "items": sorted(r.items),
        "purpose": r.purpose, "delivery": r.delivery.value,
        "for_self": r.subject_id == r.requester_id,
        "fee_per_copy": r.fee_per_copy.yen, "postage": r.postage.yen, "total": r.total.yen,
        "payment_state": r.payment_state.value, "payment_provider": r.payment_provider,
        "issue_state": r.issue_state.value, "tracking_number": r.tracking_number,
        "rejection_reason": r.rejection_reason or None,
        "requested_at": iso(r.requested_at), "paid_at": iso(r.paid_at),
        "issued_at": iso(r.issued_at), "mailed_at": iso(r.mailed_at),
        "refunded_at": iso(r.refunded_at),
    }


def _person_json(resident: Resident | None) -> dict[str, Any] | None:
    if resident is None:
        return None
    verification = resident.verification
    return {
        "resident_id": resident.id, "resident_number": resident.resident_number,
        "registry_status": resident.registry_status.label,
        "facts": facts_json(resident.facts) if resident.facts else None,
        "verified": resident.is_verified,
        "verified_by": verification.provider if verification else None,
        "verified_at": iso(verification.verified_at) if verification else None,
    }
