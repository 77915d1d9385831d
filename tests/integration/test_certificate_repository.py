"""Certificate requests on a real database (SQLite, and PostgreSQL in CI): the queue, open
payments, look-up by payment reference, and what the database refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.certificates import CertificateKind, CertificateRequest, IssueState, PaymentState
from domain.values import Money
from tests import builders as b
from tests.fakes import message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _request(id: str, *, paid_minutes: int | None = None,
             started_minutes: int | None = None) -> CertificateRequest:
    request = CertificateRequest(
        id=id, requester_id="r1", subject_id="r1", kind=CertificateKind.RESIDENT_RECORD,
        copies=2, purpose="年金・保険", fee_per_copy=Money(300), postage=Money(110),
        items={"続柄"}, requested_at=NOW)
    if started_minutes is not None or paid_minutes is not None:
        request.start_payment(f"{id}-1", provider="fake", provider_id=f"p-{id}",
                              url="http://pay", at=NOW + dt.timedelta(minutes=started_minutes or 0))
    if paid_minutes is not None:
        request.mark_paid(payment_id=f"pay-{id}", amount=Money(710),
                          at=NOW + dt.timedelta(minutes=paid_minutes))
    return request


@pytest.fixture
def stored(engine: Engine) -> Engine:
    with _uow(engine) as uow:
        uow.residents.add(b.resident(id="r1"))
        uow.commit()
    with _uow(engine) as uow:
        uow.certificate_requests.add(_request("late", paid_minutes=20))
        uow.certificate_requests.add(_request("early", paid_minutes=5))
        uow.certificate_requests.add(_request("open", started_minutes=0))
        uow.certificate_requests.add(_request("fresh", started_minutes=40))
        uow.certificate_requests.add(_request("unpaid"))
        uow.commit()
    return engine


def test_the_queue_holds_paid_requests_the_longest_waiting_first(stored: Engine) -> None:
    with _uow(stored) as uow:
        queue = uow.queries.certificates.queue(states=[IssueState.WAITING])
        assert [r.id for r in queue] == ["early", "late"]
        assert queue[0].items == {"続柄"} and queue[0].total == Money(710)
        assert queue[0].paid_at == NOW + dt.timedelta(minutes=5)


def test_open_payments_older_than_a_moment_are_found(stored: Engine) -> None:
    with _uow(stored) as uow:
        found = uow.certificate_requests.pending_payments(
            started_before=NOW + dt.timedelta(minutes=30))
        assert [r.id for r in found] == ["open"]


def test_a_request_is_found_by_its_payment_reference(stored: Engine) -> None:
    with _uow(stored) as uow:
        found = uow.certificate_requests.get_by_payment_reference("open-1")
        assert found is not None and found.payment_state is PaymentState.PENDING
        assert uow.certificate_requests.get_by_payment_reference("nope-1") is None


def test_two_requests_cannot_share_a_payment_reference(stored: Engine) -> None:
    with _uow(stored) as uow:
        copy = _request("copy")
        copy.start_payment("open-1", provider="fake", provider_id="x", url="u", at=NOW)
        uow.certificate_requests.add(copy)
        with pytest.raises(DuplicateError):
            uow.commit()


def test_two_staff_moving_the_same_request_at_once_cannot_both_win(stored: Engine) -> None:
    one, other = _uow(stored), _uow(stored)
    with one, other:
        one.certificate_requests.get("early").issue(by="s1", at=NOW)
        other.certificate_requests.get("early").reject("重複", by="s2", at=NOW)
        one.commit()
        with pytest.raises(ConcurrentUpdate):
            other.commit()
    with _uow(stored) as uow:
        assert uow.certificate_requests.get("early").issue_state is IssueState.ISSUED
