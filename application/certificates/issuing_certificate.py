"""The staff issue queue: paid requests are issued (printed), mailed (with an optional
tracking number) or rejected with a reason, the fee then refunded through the gateway that
took it. The resident is told at each step, in the same transaction."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import frozen

from application.audit.recording import record_in
from application.certificates import notices
from application.ports.audit import AuditEntry
from application.ports.clock import Clock, IdGenerator
from application.ports.payments import PaymentError, PaymentGateway
from application.ports.unit_of_work import UnitOfWork
from domain.certificates import CertificateRequest
from domain.errors import DomainError, IllegalTransition, NotFound

__all__ = ["HandleCertificateRequest", "RefundFailed", "StaffAction", "handle_certificate_request"]


class StaffAction(enum.Enum):
    ISSUE = "issue"
    MAIL = "mail"
    REJECT = "reject"


class RefundFailed(DomainError):
    """The provider did not refund; nothing was recorded (the rejection neither)."""

    code = "refund_failed"


@frozen
class HandleCertificateRequest:
    request_id: str
    staff_id: str
    action: StaffAction
    tracking_number: str | None = None
    reason: str = ""


def handle_certificate_request(command: HandleCertificateRequest, *, uow: UnitOfWork,
                               ids: IdGenerator, clock: Clock, gateway: PaymentGateway,
                               audit: AuditEntry | None = None) -> CertificateRequest:
    """`audit` (who, from where) is recorded with the change, in the same transaction."""
    now = clock.now()
    with uow:
        request = uow.certificate_requests.get(command.request_id)
        if request is None:
            raise NotFound("請求が見つかりません。")
        if command.action is StaffAction.ISSUE:
            request.issue(by=command.staff_id, at=now)
            messages = notices.issued(request)
        elif command.action is StaffAction.MAIL:
            request.mail(command.tracking_number, by=command.staff_id, at=now)
            messages = notices.mailed(request)
        else:
            refund = request.reject(command.reason, by=command.staff_id, at=now)
            if refund:
                _refund(request, gateway, now)
            messages = notices.rejected(request, refunded=refund)
        notices.tell_requester(request, messages, uow=uow, ids=ids, now=now)
        if audit is not None:
            record_in(uow, audit, clock=clock)
        uow.commit()
    return request


def _refund(request: CertificateRequest, gateway: PaymentGateway, now: dt.datetime) -> None:
    if request.payment_provider != gateway.name:
        raise IllegalTransition(
            f"この手数料は「{request.payment_provider}」で支払われています。返金にはその決済"
            "サービスの設定が必要です。", code="other_provider")
    reference = request.refund_reference_for()
    try:
        gateway.refund(reference=str(request.payment_reference),
                       provider_id=str(request.payment_provider_id),
                       payment_id=str(request.payment_id or request.payment_provider_id),
                       refund_reference=reference, amount=request.total)
    except PaymentError as error:
        raise RefundFailed(f"返金できませんでした: {error.detail}") from None
    request.mark_refunded(reference=reference, at=now)
