"""The staff issue queue: paid requests are issued (printed), mailed (with an optional
tracking number) or rejected with a reason, the fee then refunded through the gateway that
took it. Each step is audited with it; the resident is told at each step, in the same
transaction (`handlers.RequesterNotices`)."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.payments.refunding import refund_whole
from application.ports.clock import Clock
from application.ports.payments import PaymentGateway
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.certificates import CertificateRequest
from domain.errors import NotFound

__all__ = ["HandleCertificateRequest", "StaffAction", "handle_certificate_request"]


class StaffAction(enum.Enum):
    ISSUE = "issue"
    MAIL = "mail"
    REJECT = "reject"


@frozen
class HandleCertificateRequest:
    request_id: str
    actor: Actor
    action: StaffAction
    tracking_number: str | None = None
    reason: str = ""


def handle_certificate_request(command: HandleCertificateRequest, *, uow: UnitOfWork,
                               clock: Clock, gateway: PaymentGateway) -> CertificateRequest:
    actor = command.actor
    if command.action is StaffAction.REJECT:
        actor.ensure(Permission.DECIDE_APPLICATIONS, "交付できない決定")
    else:
        actor.ensure(Permission.HANDLE_APPLICATIONS, "証明書の交付・郵送")
    now = clock.now()
    with uow:
        request = uow.certificate_requests.get(command.request_id)
        if request is None:
            raise NotFound("請求が見つかりません。")
        if command.action is StaffAction.ISSUE:
            request.issue(by=actor.id, at=now)
        elif command.action is StaffAction.MAIL:
            request.mail(command.tracking_number, by=actor.id, at=now)
        elif request.reject(command.reason, by=actor.id, at=now):
            _refund(request, gateway, now)
        record(uow, actor, f"certificate_request.{command.action.value}", "certificate_request",
               request.id, at=now)
        uow.commit()
    return request


def _refund(request: CertificateRequest, gateway: PaymentGateway, now: dt.datetime) -> None:
    request.mark_refunded(reference=refund_whole(request, gateway), at=now)
