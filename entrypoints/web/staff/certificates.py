"""Staff pages of the certificate issue queue (証明書): paid requests in order, one request with
the applicant's verified facts (every look recorded), its slip as PDF, and the issue, mail and
reject forms. The same use cases as the API; the resident is told at each step."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from application.certificates.issuing_certificate import (
    HandleCertificateRequest,
    StaffAction,
    handle_certificate_request,
)
from application.certificates.notices import receipt_number
from application.certificates.queue import QUEUE_STATES, list_queue, request_file
from application.ports.unit_of_work import ConcurrentUpdate
from domain.access import Permission
from domain.certificates import IssueState
from domain.errors import DomainError, NotFound
from entrypoints.web.downloads import slip_pdf_response
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.forms import keep_form, kept_form
from entrypoints.web.staff.frame import use_staff_error_pages
from entrypoints.web.staff.nav import NavEntry, register_nav

__all__ = ["staff_certificates"]

staff_certificates = Blueprint("staff_certificates", __name__,
                               url_prefix="/staff/certificates")
use_staff_error_pages(staff_certificates)
register_nav(staff_certificates, NavEntry("証明書", "staff_certificates.index",
                                          Permission.HANDLE_APPLICATIONS, order=60))

_FILTERS = {"queue": ("交付待ち・郵送待ち", QUEUE_STATES),
            "mailed": ("郵送済み", (IssueState.MAILED,)),
            "rejected": ("交付不可", (IssueState.REJECTED,))}
_DONE = {StaffAction.ISSUE: "交付済みにしました。住民に通知しました。",
         StaffAction.MAIL: "郵送済みにしました。住民に通知しました。",
         StaffAction.REJECT: "交付不可にしました。住民に理由を通知しました。"}


@staff_certificates.get("/")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def index():  # type: ignore[no-untyped-def]
    shown = request.args.get("state", "queue")
    if shown not in _FILTERS:
        shown = "queue"
    requests = list_queue(uow=container().uow(), states=_FILTERS[shown][1])
    return render_template("staff/certificates/index.html", requests=requests,
                           filters=_FILTERS, shown=shown, receipt_number=receipt_number)


@staff_certificates.get("/<request_id>")
@requires_staff_permission(Permission.VIEW_RESIDENTS)
def detail(request_id: str):  # type: ignore[no-untyped-def]
    file = request_file(request_id, actor=g.actor, uow=container().uow(),
                        clock=container().clock())
    return render_template("staff/certificates/detail.html", file=file, r=file.request,
                           receipt=receipt_number(file.request), IssueState=IssueState,
                           Permission=Permission,
                           form=kept_form(url_for("staff_certificates.detail",
                                                  request_id=request_id)))


@staff_certificates.get("/<request_id>/slip.pdf")
@requires_staff_permission(Permission.VIEW_RESIDENTS)
def slip(request_id: str):  # type: ignore[no-untyped-def]
    return slip_pdf_response(request_id)


@staff_certificates.post("/<request_id>/issue")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def issue(request_id: str):  # type: ignore[no-untyped-def]
    return _act(request_id, StaffAction.ISSUE)


@staff_certificates.post("/<request_id>/mail")
@requires_staff_permission(Permission.HANDLE_APPLICATIONS)
def mail(request_id: str):  # type: ignore[no-untyped-def]
    return _act(request_id, StaffAction.MAIL,
                tracking_number=request.form.get("tracking_number", ""))


@staff_certificates.post("/<request_id>/reject")
@requires_staff_permission(Permission.DECIDE_APPLICATIONS)
def reject(request_id: str):  # type: ignore[no-untyped-def]
    return _act(request_id, StaffAction.REJECT, reason=request.form.get("reason", ""))


def _act(request_id: str, action: StaffAction, **details: str):  # type: ignore[no-untyped-def]
    services = container()
    here = url_for("staff_certificates.detail", request_id=request_id)
    try:
        handle_certificate_request(
            HandleCertificateRequest(request_id=request_id, actor=g.actor, action=action,
                                     **details),
            uow=services.uow(), clock=services.clock(), gateway=services.payment_gateway())
    except NotFound:
        raise
    except DomainError as error:  # nothing was changed: say why on the same page, form kept
        flash(error.message, "error")
        keep_form(here, *details)
        return redirect(here)
    except ConcurrentUpdate:
        flash("ほかの職員の操作と重なりました。内容を確かめて、もう一度お試しください。", "error")
        keep_form(here, *details)
        return redirect(here)
    services.outbox_notifier().wake()
    flash(_DONE[action], "success")
    return redirect(here)
