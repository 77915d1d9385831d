"""What follows from a certificate request's events (run by the message bus, in the transaction
of the change): the requester is told in the chat when the fee is paid, when the payment lapsed
(with a button to pay again), and when the request is issued, mailed or rejected."""

from __future__ import annotations

from collections.abc import Callable

from application.certificates import notices
from application.messaging.telling import Telling
from application.ports.unit_of_work import UnitOfWork
from domain.certificates import CertificateRequest, IssueState, PaymentState
from domain.events import (
    CertificatePaymentLapsed,
    CertificateRequestPaid,
    CertificateRequestStateChanged,
)

__all__ = ["RequesterNotices"]


class RequesterNotices:
    def __init__(self, telling: Telling, pay_url: Callable[[str], str]) -> None:
        self.telling = telling
        self.pay_url = pay_url  # a request id → the signed link to pay its fee

    def paid(self, event: CertificateRequestPaid, uow: UnitOfWork) -> None:
        self._tell(uow, event.request_id, notices.paid)

    def lapsed(self, event: CertificatePaymentLapsed, uow: UnitOfWork) -> None:
        self._tell(uow, event.request_id, lambda request: notices.lapsed(
            request, self.pay_url(request.id), cancelled=event.cancelled))

    def moved(self, event: CertificateRequestStateChanged, uow: UnitOfWork) -> None:
        if event.state == IssueState.ISSUED.value:
            self._tell(uow, event.request_id, notices.issued)
        elif event.state == IssueState.MAILED.value:
            self._tell(uow, event.request_id, notices.mailed)
        elif event.state == IssueState.REJECTED.value:
            self._tell(uow, event.request_id, lambda request: notices.rejected(
                request, refunded=request.payment_state is PaymentState.REFUNDED))
        # withdrawn: the resident withdrew in the chat and was answered there

    def _tell(self, uow: UnitOfWork, request_id: str,
              messages: Callable[[CertificateRequest], list]) -> None:  # type: ignore[type-arg]
        request = uow.certificate_requests.get(request_id)
        if request is not None:
            self.telling.resident(uow, request.requester_id, messages(request))
