"""Repositories and the unit of work on a real database (SQLite, and PostgreSQL in CI)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.channels.inbox import InboxEvent
from application.conversations.state import Conversation
from application.jobs.job import Job, JobStatus
from application.messagebus import EventHandler, MessageBus
from application.messaging.outbox import OutboxMessage
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.benefits import Application, ApplicationStatus, PayoutMethod, ProgramStatus
from domain.certificates import CertificateKind, CertificateRequest
from domain.channels import ChannelIdentity
from domain.disbursements import Disbursement, DisbursementStatus
from domain.events import ApplicationConfirmed
from domain.values import Money
from tests import builders as b
from tests.fakes import message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _seed_household(engine: Engine, *, number: str = "H0001", resident_id: str = "r1",
                    household_id: str = "h1") -> None:
    with _uow(engine) as uow:
        uow.residents.add(b.resident(id=resident_id, resident_number=f"R{number}",
                                     household_number=number))
        uow.households.add(b.household(id=household_id, household_number=number,
                                       head_resident_id=resident_id))
        uow.commit()


def _approved_application(engine: Engine) -> None:
    _seed_household(engine)
    program = b.program()
    application = b.application(of_program=program)
    application.confirm(program=program, at=NOW, payout_method=PayoutMethod.BANK_TRANSFER,
                        payee_account=b.account())
    application.approve(by="staff1", at=NOW)
    with _uow(engine) as uow:
        uow.programs.add(program)
        uow.applications.add(application)
        uow.commit()


def test_a_resident_round_trips_with_the_four_facts_encrypted_at_rest(engine: Engine) -> None:
    _seed_household(engine)

    with _uow(engine) as uow:
        resident = uow.residents.get_by_resident_number("RH0001")
        assert resident.facts == b.facts()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT facts FROM residents")).scalar_one()
    assert "山田" not in stored and "1980" not in stored and "見本" not in stored


def test_a_household_keeps_its_members_in_order_with_the_head_first(engine: Engine) -> None:
    _seed_household(engine)
    with _uow(engine) as uow:
        for index, relationship in ((2, "妻"), (3, "子")):
            uow.residents.add(b.resident(id=f"r{index}", resident_number=f"R{index}"))
            uow.households.get("h1").add_member(f"r{index}", relationship)
        uow.commit()

    with _uow(engine) as uow:
        household = uow.households.get_by_number("H0001")
        assert [(m.resident_id, m.relationship) for m in household.members] == [
            ("r1", "世帯主"), ("r2", "妻"), ("r3", "子")]


def test_a_program_round_trips_its_window_and_payout_methods(engine: Engine) -> None:
    program = b.program(methods=frozenset({PayoutMethod.ATM_CASH}))
    with _uow(engine) as uow:
        uow.programs.add(program)
        uow.commit()

    with _uow(engine) as uow:
        stored = uow.programs.get_by_name("物価高騰対策給付金")
        assert stored.window == program.window
        assert stored.window.opens_at.tzinfo is not None
        assert stored.payout_methods == frozenset({PayoutMethod.ATM_CASH})
        assert stored.amount_per_household == Money(70_000)
        assert stored.status is ProgramStatus.OPEN


def test_an_application_round_trips_with_the_payee_account_encrypted(engine: Engine) -> None:
    _approved_application(engine)

    with _uow(engine) as uow:
        application = uow.applications.get_for("p1", "h1")
        assert application.status is ApplicationStatus.APPROVED
        assert application.payee_account == b.account()
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT payee_account FROM applications")).scalar_one()
    assert "1234567" not in stored


def test_a_second_application_for_the_same_household_is_refused_by_the_database(
    engine: Engine,
) -> None:
    _seed_household(engine)
    program = b.program()
    with _uow(engine) as uow:
        uow.programs.add(program)
        uow.applications.add(b.application(id="a1", of_program=program))
        uow.commit()

    with _uow(engine) as uow, pytest.raises(DuplicateError):
        uow.applications.add(b.application(id="a2", of_program=program))
        uow.commit()
    with _uow(engine) as uow:
        assert [a.id for a in uow.applications.list_for_program("p1")] == ["a1"]


def test_nothing_is_paid_twice_but_a_failed_payment_can_be_paid_again(engine: Engine) -> None:
    _approved_application(engine)
    with _uow(engine) as uow:
        first = Disbursement.for_application(id="d1", application=uow.applications.get("a1"),
                                             at=NOW)
        uow.disbursements.add(first)
        uow.commit()

    with _uow(engine) as uow, pytest.raises(DuplicateError):
        uow.disbursements.add(Disbursement.for_application(
            id="d2", application=uow.applications.get("a1"), at=NOW))
        uow.commit()

    with _uow(engine) as uow:
        failed = uow.disbursements.get("d1")
        failed.assign_to_batch("batch1")
        failed.mark_exported()
        failed.fail(reason="口座なし", by="s1")
        uow.commit()
    with _uow(engine) as uow:
        uow.disbursements.add(Disbursement.for_application(
            id="d3", application=uow.applications.get("a1"), at=NOW))
        uow.commit()
    with _uow(engine) as uow:
        assert uow.disbursements.get_for_application("a1").id == "d3"
        assert uow.disbursements.get("d1").status is DisbursementStatus.FAILED


def test_an_inbound_event_is_stored_once(engine: Engine) -> None:
    with _uow(engine) as uow:
        uow.inbox.add(InboxEvent(id="i1", source="line", external_id="01EVENT", received_at=NOW))
        uow.commit()

    with _uow(engine) as uow, pytest.raises(DuplicateError):
        uow.inbox.add(InboxEvent(id="i2", source="line", external_id="01EVENT",
                                 received_at=NOW))
        uow.commit()


def test_leaving_without_commit_writes_nothing(engine: Engine) -> None:
    with _uow(engine) as uow:
        uow.programs.add(b.program())

    with _uow(engine) as uow:
        assert uow.queries.benefits.programs() == []


def _confirm_with(engine: Engine, *handlers: EventHandler) -> None:
    """Confirm application a1 in a unit of work whose bus runs `handlers` on its event."""
    with SqlAlchemyUnitOfWork(session_factory(engine),
                              MessageBus({ApplicationConfirmed: list(handlers)})) as uow:
        application = uow.applications.get("a1")
        application.confirm(program=uow.programs.get("p1"), at=NOW,
                            payout_method=PayoutMethod.ATM_CASH, payee_account=None)
        uow.commit()
        assert uow.collect_new_events() == []  # handled, not left behind


def _tell(text: str) -> EventHandler:
    def handler(events: list[object], uow: SqlAlchemyUnitOfWork) -> None:
        assert events == [ApplicationConfirmed(application_id="a1", program_id="p1",
                                               household_id="h1")]
        uow.outbox.add(OutboxMessage.of([OutgoingMessage(text=text)], id=f"m-{text}",
                                        channel="line", recipient="U1", at=NOW))
    return handler


def _stored(engine: Engine) -> tuple[ApplicationStatus, list[str]]:
    with _uow(engine) as uow:
        return (uow.applications.get("a1").status,
                [m.id for m in uow.queries.messages.pending(10)])


def test_what_a_handler_writes_on_commit_is_stored_with_the_change(engine: Engine) -> None:
    _seed_household(engine)
    program = b.program()
    with _uow(engine) as uow:
        uow.programs.add(program)
        uow.applications.add(b.application(of_program=program))
        uow.commit()

    _confirm_with(engine, _tell("ok"))

    assert _stored(engine) == (ApplicationStatus.CONFIRMED, ["m-ok"])


def test_a_handler_that_fails_stores_neither_the_change_nor_what_handlers_wrote(
        engine: Engine) -> None:
    _seed_household(engine)
    program = b.program()
    with _uow(engine) as uow:
        uow.programs.add(program)
        uow.applications.add(b.application(of_program=program))
        uow.commit()

    def failing(events: list[object], uow: SqlAlchemyUnitOfWork) -> None:
        raise RuntimeError("the handler broke")

    with pytest.raises(RuntimeError, match="the handler broke"):
        _confirm_with(engine, _tell("lost"), failing)

    assert _stored(engine) == (ApplicationStatus.NOTIFIED, [])


def test_a_certificate_request_and_a_job_round_trip(engine: Engine) -> None:
    _seed_household(engine)
    request = CertificateRequest(id="c1", requester_id="r1", subject_id="r1",
                                 kind=CertificateKind.RESIDENT_RECORD, copies=2,
                                 purpose="年金の手続き", fee_per_copy=Money(300),
                                 postage=Money(110), items={"続柄"}, requested_at=NOW)
    job = Job(id="j1", name="seed_demo_town", payload={"households": 3}, created_at=NOW)
    with _uow(engine) as uow:
        uow.certificate_requests.add(request)
        uow.jobs.add(job)
        uow.commit()

    with _uow(engine) as uow:
        stored = uow.certificate_requests.get("c1")
        assert (stored.items, stored.total) == (frozenset({"続柄"}), Money(710))
        stored_job = uow.jobs.get("j1")
        assert (stored_job.payload, stored_job.status) == ({"households": 3}, JobStatus.QUEUED)


def test_applications_are_listed_for_their_program_only(engine: Engine) -> None:
    _seed_household(engine)
    _seed_household(engine, number="H0002", resident_id="r2", household_id="h2")
    first, second = b.program(id="p1"), b.program(id="p2", name="子育て応援給付金")
    with _uow(engine) as uow:
        uow.programs.add(first)
        uow.programs.add(second)
        uow.applications.add(Application.notify(id="a1", program=first, household_id="h1",
                                                at=NOW))
        uow.applications.add(Application.notify(id="a2", program=second, household_id="h1",
                                                at=NOW))
        uow.applications.add(Application.notify(id="a3", program=first, household_id="h2",
                                                at=NOW))
        uow.commit()

    with _uow(engine) as uow:
        assert sorted(a.id for a in uow.applications.list_for_program("p1")) == ["a1", "a3"]


def test_a_conflict_met_by_a_read_s_autoflush_is_a_concurrent_update(engine: Engine) -> None:
    """A double tap: both read the conversation; the first writes; the second's change is
    flushed by a later read (not by commit) and meets the first's write."""
    at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    with _uow(engine) as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i1", channel="line",
                                                              address="U1", at=at))
        uow.commit()
    with _uow(engine) as uow:
        uow.conversations.add(Conversation.begin(
            id="c1", identity_id="i1", procedure_id="p", first_step="a", now=at,
            ttl=dt.timedelta(minutes=30)))
        uow.commit()
    first, second = _uow(engine), _uow(engine)
    with pytest.raises(ConcurrentUpdate), first, second:
        for uow in (first, second):
            uow.conversations.get("c1").complete(now=at)
        first.commit()
        second.applications.get_by_account_conversation("c1")  # a read: autoflush
