"""The message bus: what follows from domain events runs in the unit of work that recorded them,
before it commits, one event type at a time, round after round."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from application.messagebus import MAX_ROUNDS, MessageBus
from domain import events
from domain.events import ApplicationConfirmed, ApplicationDeclined, ProgramStatusChanged
from tests import builders as b
from tests.fakes import FakeDatabase, FakeUnitOfWork, message_bus_on

pytestmark = pytest.mark.unit


class Seen:
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[Any], bool]] = []

    def handler(self, name: str) -> Any:
        def handle(events: Sequence[Any], uow: FakeUnitOfWork) -> None:
            self.calls.append((name, list(events), uow.committed))
        return handle


def _town(bus: MessageBus) -> FakeDatabase:
    database = FakeDatabase(MessageBus({}))
    with FakeUnitOfWork(database) as uow:
        program = b.program()
        uow.programs.add(program)
        for n in (1, 2):
            uow.applications.add(b.application(id=f"a{n}", of_program=program,
                                               household_id=f"h{n}"))
        uow.commit()
    database.bus = bus
    return database


def _confirm_both_and_decline_none(database: FakeDatabase) -> FakeUnitOfWork:
    uow = FakeUnitOfWork(database)
    with uow:
        program = uow.programs.get("p1")
        for n in (1, 2):
            uow.applications.get(f"a{n}").confirm(
                program=program, at=b.OPENS, payout_method=b.PayoutMethod.ATM_CASH,
                payee_account=None)
        uow.commit()
    return uow


def test_a_handler_gets_every_event_of_its_type_together_before_the_commit() -> None:
    seen = Seen()
    database = _town(MessageBus({ApplicationConfirmed: [seen.handler("confirmed")],
                                 ApplicationDeclined: [seen.handler("declined")]}))

    _confirm_both_and_decline_none(database)

    [(name, events, committed)] = seen.calls
    assert (name, committed) == ("confirmed", False)  # inside the transaction
    assert [e.application_id for e in events] == ["a1", "a2"]  # in the order recorded


def test_events_a_handler_causes_run_in_the_next_round() -> None:
    seen = Seen()

    def withdraw_the_program(events: Sequence[Any], uow: Any) -> None:
        uow.programs.get("p1").withdraw(reason="予算不成立")  # records ProgramStatusChanged

    database = _town(MessageBus({ApplicationConfirmed: [withdraw_the_program],
                                 ProgramStatusChanged: [seen.handler("program")]}))

    _confirm_both_and_decline_none(database)

    assert [(name, [e.status for e in events]) for name, events, _ in seen.calls] == [
        ("program", ["withdrawn"])]
    with FakeUnitOfWork(database) as uow:
        assert uow.programs.get("p1").status.value == "withdrawn"  # committed with the change


def test_a_failing_handler_aborts_the_commit_and_nothing_is_stored() -> None:
    def refuse(events: Sequence[Any], uow: Any) -> None:
        raise RuntimeError("the outbox is full")

    database = _town(MessageBus({ApplicationConfirmed: [refuse]}))

    with pytest.raises(RuntimeError):
        _confirm_both_and_decline_none(database)
    with FakeUnitOfWork(database) as uow:
        assert {a.status.value for a in uow.applications._store.values()} == {"notified"}


def test_handlers_that_keep_causing_events_are_stopped_as_a_bug() -> None:
    def flip(events: Sequence[Any], uow: Any) -> None:
        program = uow.programs.get("p1")
        program.record(ProgramStatusChanged(program_id="p1", status="again"))

    database = _town(MessageBus({ApplicationConfirmed: [flip], ProgramStatusChanged: [flip]}))

    with pytest.raises(RuntimeError, match=f"{MAX_ROUNDS} rounds"):
        _confirm_both_and_decline_none(database)


def test_the_application_lists_a_consequence_for_each_event_that_has_one() -> None:
    """The table in application/handlers.py: every event type it names has handlers."""
    bus = message_bus_on()
    handled = {name for name in events.__all__ if name != "Event"
               and bus.handlers_for(getattr(events, name))}
    assert handled == {"ApplicationConfirmed", "ApplicationDecided", "ApplicationWithdrawn",
                       "BatchStateChanged", "CaseAnswered", "CashCodeIssued",
                       "ResidentVerified",
                       "CertificatePaymentLapsed", "CertificateRequestPaid",
                       "CertificateRequestStateChanged", "DisbursementStateChanged",
                       "VerificationDecided", "CaseOpened", "ConsultationTaken",
                       "ConsultationEnded", "FeePaid", "FeePaymentLapsed", "FeeRefunded"}
