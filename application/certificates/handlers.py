"""What follows from a certificate request's events (run by the message bus, in the transaction
of the change): the requester is told in the chat when the fee is paid, when the payment lapsed
(with a button to pay again), and when the request is issued, mailed or rejected."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from application.certificates import notices
from application.messaging.telling import Telling, Told
from application.ports.messaging import OutgoingMessage
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

    def paid(self, events: Sequence[CertificateRequestPaid], uow: UnitOfWork) -> None:
        self._tell(uow, [(event.request_id, notices.paid) for event in events])

    def lapsed(self, events: Sequence[CertificatePaymentLapsed], uow: UnitOfWork) -> None:
        self._tell(uow, [(event.request_id, self._lapsed(event.cancelled)) for event in events])

    def moved(self, events: Sequence[CertificateRequestStateChanged], uow: UnitOfWork) -> None:
        self._tell(uow, [(event.request_id, _MOVED[event.state]) for event in events
                         if event.state in _MOVED])  # withdrawn: answered in the chat already

    def _lapsed(self, cancelled: bool) -> Notice:
        return lambda request: notices.lapsed(request, self.pay_url(request.id),
                                              cancelled=cancelled)

    def _tell(self, uow: UnitOfWork, wanted: Sequence[tuple[str, Notice]]) -> None:
        told: list[Told] = []
        for request_id, notice in wanted:
            request = uow.certificate_requests.get(request_id)
            if request is not None:
                told.append((request.requester_id, notice(request)))
        self.telling.residents(uow, told)


Notice = Callable[[CertificateRequest], list[OutgoingMessage]]
_MOVED: dict[str, Notice] = {
    IssueState.ISSUED.value: notices.issued,
    IssueState.MAILED.value: notices.mailed,
    IssueState.REJECTED.value: lambda request: notices.rejected(
        request, refunded=request.payment_state is PaymentState.REFUNDED),
}
