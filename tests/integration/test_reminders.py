"""督促 on a real database (SQLite and PostgreSQL), with a fixed clock: a reminder is previewed
and scheduled N days before the deadline, nothing goes before it is due, the scheduler starts it
once when due, it reaches only the households that have not answered, and a re-run (or a second
scheduler) reminds nobody twice."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from sqlalchemy import Engine, select

from adapters.persistence.orm.benefits import reminder_deliveries
from adapters.persistence.orm.messaging import outbox
from application.benefits.reminding import (
    ScheduleReminder,
    preview_reminder,
    schedule_reminder,
)
from application.benefits.reminding_due import start_due_reminders
from application.benefits.reminding_send import SEND_REMINDER, send_reminder
from application.jobs.catalog import JobCatalog
from application.jobs.job import JobStatus
from application.jobs.running import run_job
from application.messaging.telling import ContactPolicy
from application.ports.unit_of_work import DuplicateError
from domain.access import Role
from domain.channels import ContactPreference
from domain.errors import DomainError
from domain.reminders import ReminderDelivery
from tests import builders
from tests.integration.test_benefits import Town

pytestmark = pytest.mark.integration

ADMIN = builders.actor(id="admin", role=Role.ADMINISTRATOR)
DEADLINE = builders.CLOSES


class _RunAtOnce:
    """A job queue that runs each job in the caller, through the job runner."""

    def __init__(self, town: Town) -> None:
        self.catalog = JobCatalog()
        self.catalog.register(SEND_REMINDER, lambda payload, progress: send_reminder(
            payload["reminder_id"], uow_factory=town.uow, ids=town.ids, clock=town.clock,
            banks=town.banks, policy=ContactPolicy(), wake=lambda: None, progress=progress),
            label="督促")
        self.town, self.ran = town, []

    def enqueue(self, job_id: str) -> None:
        self.ran.append(run_job(job_id, uow_factory=self.town.uow, catalog=self.catalog,
                                clock=self.town.clock))


@pytest.fixture
def town(engine: Engine) -> Town:
    """h1 and h2 were sent the notice; h1 answered はい, h2 has not answered; h3 is postal."""
    town = Town(engine)
    town.send()
    with town.uow() as uow:
        program = uow.programs.get("p1")
        uow.applications.get_for("p1", "h1").confirm(
            program=program, at=town.clock.now(), payout_method=builders.PayoutMethod.ATM_CASH,
            payee_account=None)
        uow.commit()
    return town


def _schedule(town: Town, days: int = 7) -> str:
    return schedule_reminder(ScheduleReminder(program_id="p1", days_before=days, actor=ADMIN),
                             uow=town.uow(), ids=town.ids, clock=town.clock).id


def _reminders_to(town: Town, address: str) -> int:
    with town.sessions() as session:
        payloads = session.execute(select(outbox.c.payload)
                                   .where(outbox.c.recipient == address)).scalars()
        return sum(1 for p in payloads if "申請期限のお知らせ" in p["messages"][0].get("text", ""))


def _tick(town: Town, queue: _RunAtOnce) -> list[str]:
    return start_due_reminders(uow_factory=town.uow, queue=queue, ids=town.ids, clock=town.clock)


def test_the_preview_counts_the_unanswered_and_shows_the_exact_text(town: Town) -> None:
    preview = preview_reminder("p1", uow=town.uow(), banks=town.banks)

    assert preview.unanswered == 1
    text = preview.messages[0].text
    assert "申請期限のお知らせ" in text and "2026年8月1日 09:00まで" in text
    assert [c.label for c in preview.messages[1].choices] == ["申請する", "申請しない"]


def test_a_reminder_is_refused_in_the_past_twice_for_the_same_day_or_out_of_range(
        town: Town) -> None:
    _schedule(town, days=7)
    with pytest.raises(DomainError, match="すでに予約"):
        _schedule(town, days=7)
    with pytest.raises(DomainError, match="すでに過ぎています"):
        _schedule(town, days=55)  # 2026-06-07, before today (06-10)
    with pytest.raises(DomainError, match="1〜60"):
        _schedule(town, days=0)


def test_the_due_reminder_goes_once_to_each_household_that_has_not_answered(
        town: Town) -> None:
    _schedule(town, days=7)
    queue = _RunAtOnce(town)

    assert _tick(town, queue) == []  # 06-10: due 7 days before the deadline, 08-01 09:00 JST
    town.clock.advance(days=44, hours=14, minutes=59)  # 07-25 08:59 JST
    assert _tick(town, queue) == []
    town.clock.advance(minutes=1)  # 07-25 09:00 JST

    started = _tick(town, queue)

    assert len(started) == 1 and queue.ran == [JobStatus.SUCCEEDED]
    assert _reminders_to(town, f"U{2:032d}") == 1
    assert _reminders_to(town, f"U{1:032d}") == 0  # answered
    assert _reminders_to(town, f"U{3:032d}") == 0  # never notified

    town.clock.advance(minutes=1)
    assert _tick(town, queue) == []  # started once, never again
    assert _reminders_to(town, f"U{2:032d}") == 1


def test_running_the_send_again_reminds_nobody_twice(town: Town) -> None:
    reminder_id = _schedule(town, days=7)
    town.clock.advance(days=46)
    send = functools.partial(send_reminder, reminder_id, uow_factory=town.uow, ids=town.ids,
                             clock=town.clock, banks=town.banks, policy=ContactPolicy(),
                             wake=lambda: None)

    assert send()["sent"] == 1
    again = send()

    assert (again["sent"], again["delivered"]) == (0, 1)
    assert _reminders_to(town, f"U{2:032d}") == 1


def test_the_database_refuses_a_second_delivery_to_a_household(town: Town) -> None:
    reminder_id = _schedule(town, days=7)
    when = town.clock.now()
    with town.uow() as uow:
        uow.reminders.add_delivery(ReminderDelivery(id="d1", reminder_id=reminder_id,
                                                    household_id="h2", message_id="m1",
                                                    sent_at=when))
        uow.commit()
    with pytest.raises(DuplicateError), town.uow() as uow:
        uow.reminders.add_delivery(ReminderDelivery(id="d2", reminder_id=reminder_id,
                                                    household_id="h2", message_id="m2",
                                                    sent_at=when))
        uow.commit()
    with town.sessions() as session:
        assert session.execute(select(reminder_deliveries.c.id)).scalars().all() == ["d1"]


def test_a_failed_send_is_resumed_by_the_next_run_of_the_scheduler(town: Town) -> None:
    _schedule(town, days=7)
    town.clock.advance(days=46)
    queue = _RunAtOnce(town)
    failing = queue.catalog.kind(SEND_REMINDER)

    def crash(payload: dict, progress: object) -> dict:
        raise ConnectionError("database went away")

    queue.catalog._kinds[SEND_REMINDER] = type(failing)(SEND_REMINDER, crash, "督促",
                                                       failing.permission,
                                                       failing.report_permission)
    with pytest.raises(Exception, match="ConnectionError"):
        _tick(town, queue)
    assert _reminders_to(town, f"U{2:032d}") == 0

    queue.catalog._kinds[SEND_REMINDER] = failing
    town.clock.advance(minutes=1)
    resumed = _tick(town, queue)

    assert len(resumed) == 1 and queue.ran[-1] is JobStatus.SUCCEEDED
    assert _reminders_to(town, f"U{2:032d}") == 1


def test_a_reminder_is_not_sent_once_the_program_closed(town: Town) -> None:
    _schedule(town, days=7)
    with town.uow() as uow:
        uow.programs.get("p1").close()
        uow.commit()
    town.clock.advance(days=46)

    _tick(town, _RunAtOnce(town))

    assert _reminders_to(town, f"U{2:032d}") == 0


def test_the_deadline_is_the_one_the_reminder_counts_back_from(town: Town) -> None:
    reminder_id = _schedule(town, days=3)
    with town.uow() as uow:
        assert uow.reminders.get(reminder_id).due_at == DEADLINE - dt.timedelta(days=3)


def test_a_head_who_stopped_reminders_is_not_reminded(town: Town) -> None:
    with town.uow() as uow:  # h2's head chose 督促のお知らせを止める (連絡先 in the chat)
        uow.contact_preferences.add(ContactPreference(resident_id="r2", reminders=False))
        uow.commit()
    reminder_id = _schedule(town, days=7)
    town.clock.advance(days=46)

    sent = send_reminder(reminder_id, uow_factory=town.uow, ids=town.ids, clock=town.clock,
                         banks=town.banks, policy=ContactPolicy(), wake=lambda: None)

    assert sent["sent"] == 0
    assert _reminders_to(town, f"U{2:032d}") == 0
