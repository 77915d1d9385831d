"""Reading the issue queue: paid requests in order (no personal data), and one request with
what staff need beside it (the applicant's and the subject's verified facts): personal data,
so that look is audited in the transaction that reads it ("view" on screen, "print" for the
slip)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
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
               limit: int = 200, after: tuple[dt.datetime, str] | None = None,
               ) -> list[CertificateRequest]:
    """Paid (or refunded) requests in these states, the longest-waiting first (after the
    request whose (paid_at, id) is `after`: the API's next page)."""
    with uow:
        return list(uow.queries.certificates.queue(states=states, limit=limit, after=after))


def request_file(request_id: str, *, actor: Actor, uow: UnitOfWork, clock: Clock,
                 purpose: str = "view") -> RequestFile:
    """`purpose`: "view" (the page) or "print" (the request slip)."""
    actor.ensure(Permission.VIEW_RESIDENTS, "請求の内容を閲覧")
    with uow:
        request = uow.certificate_requests.get(request_id)
        if request is None:
            raise NotFound("請求が見つかりません。")
        people = uow.residents.by_ids(sorted({request.requester_id, request.subject_id}))
        record(uow, actor, f"certificate_request.{purpose}", "certificate_request", request.id,
               at=clock.now())
        uow.commit()
    return RequestFile(request=request, requester=people.get(request.requester_id),
                       subject=people.get(request.subject_id))
