"""Reminders (督促) in the domain and on fakes: N days before the deadline, never in the past,
due once; the scheduler starts a due reminder once with a fixed clock."""

from __future__ import annotations

import datetime as dt

import pytest

from application.benefits.reminding import ScheduleReminder, schedule_reminder
from application.benefits.reminding_due import start_due_reminders
from domain.access import Role
from domain.benefits import ProgramStatus
from domain.errors import DomainError, IllegalTransition, InvalidValue
from domain.reminders import Reminder
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, fake_uow_factory

pytestmark = pytest.mark.unit

NOW = dt.datetime(2026, 7, 1, tzinfo=dt.UTC)  # the deadline is 2026-08-01 00:00 UTC


def test_a_reminder_is_due_n_days_before_the_deadline_and_starts_once() -> None:
    program = builders.program()
    reminder = Reminder.schedule(id="m1", program=program, days_before=7, by="s1", at=NOW)

    assert reminder.due_at == builders.CLOSES - dt.timedelta(days=7)
    assert not reminder.is_due(reminder.due_at - dt.timedelta(seconds=1))
    assert reminder.is_due(reminder.due_at)
    reminder.start("job-1")
    assert not reminder.is_due(reminder.due_at)
    with pytest.raises(IllegalTransition):
        reminder.start("job-2")


@pytest.mark.parametrize("days", [0, -1, 61, True])
def test_a_reminder_needs_a_number_of_days_from_1_to_60(days: int) -> None:
    with pytest.raises(InvalidValue, match="1〜60"):
        Reminder.schedule(id="m1", program=builders.program(), days_before=days, by="s1",
                          at=NOW)


def test_a_reminder_for_a_closed_program_or_a_past_day_is_refused() -> None:
    with pytest.raises(IllegalTransition, match="受付中ではない"):
        Reminder.schedule(id="m1", program=builders.program(status=ProgramStatus.CLOSED),
                          days_before=3, by="s1", at=NOW)
    with pytest.raises(InvalidValue, match="すでに過ぎています"):
        Reminder.schedule(id="m1", program=builders.program(), days_before=31, by="s1", at=NOW)


class _Queue:
    def __init__(self) -> None:
        self.enqueued: list[str] = []

    def enqueue(self, job_id: str) -> None:
        self.enqueued.append(job_id)


def test_the_scheduler_starts_a_due_reminder_once_with_a_fixed_clock() -> None:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.programs.add(builders.program())
        uow.commit()
    clock, ids, queue = FakeClock(NOW), SequentialIds(), _Queue()
    schedule_reminder(ScheduleReminder(program_id="p1", days_before=7,
                                       actor=builders.actor(role=Role.ADMINISTRATOR)),
                      uow=FakeUnitOfWork(database), ids=ids, clock=clock)
    tick = lambda: start_due_reminders(uow_factory=fake_uow_factory(database),  # noqa: E731
                                       queue=queue, ids=ids, clock=clock)

    assert tick() == []
    clock.advance(days=24)  # 07-25 00:00 UTC: 7 days before
    started = tick()
    clock.advance(minutes=1)
    again = tick()

    assert len(started) == 1 and queue.enqueued == started
    assert again == []  # the job is queued, not stale yet: not queued twice


def test_only_those_who_manage_programs_schedule_reminders() -> None:
    database = FakeDatabase()
    with FakeUnitOfWork(database) as uow:
        uow.programs.add(builders.program())
        uow.commit()
    with pytest.raises(DomainError):
        schedule_reminder(ScheduleReminder(program_id="p1", days_before=7,
                                           actor=builders.actor(role=Role.CASE_WORKER)),
                          uow=FakeUnitOfWork(database), ids=SequentialIds(),
                          clock=FakeClock(NOW))
    with FakeUnitOfWork(database) as uow:
        assert uow.reminders.of_program("p1") == []
