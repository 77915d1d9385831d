"""Reading the issue queue: requests with what staff need beside them (the applicant's and
the subject's verified facts). Personal data: the caller records who looked."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from application.ports.unit_of_work import UnitOfWork
from domain.certificates import CertificateRequest, IssueState
from domain.errors import NotFound
from domain.residents import Resident

__all__ = ["QUEUE_STATES", "RequestFile", "list_queue", "request_file"]

QUEUE_STATES = (IssueState.WAITING, IssueState.ISSUED)


@frozen
class RequestFile:
    request: CertificateRequest
    requester: Resident | None
    subject: Resident | None


def list_queue(*, uow: UnitOfWork, states: Sequence[IssueState] = QUEUE_STATES,
               limit: int = 200) -> list[CertificateRequest]:
    """Paid (or refunded) requests in these states, the longest-waiting first."""
    with uow:
        return list(uow.certificate_requests.queue(states=states, limit=limit))


def request_file(request_id: str, *, uow: UnitOfWork) -> RequestFile:
    with uow:
        request = uow.certificate_requests.get(request_id)
        if request is None:
            raise NotFound("請求が見つかりません。")
        people = uow.residents.by_ids(sorted({request.requester_id, request.subject_id}))
        return RequestFile(request=request, requester=people.get(request.requester_id),
                           subject=people.get(request.subject_id))
