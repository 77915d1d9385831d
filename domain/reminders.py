"""督促 (reminders): staff schedule a reminder to the households a program's notice reached that
have not answered, N days before the deadline. It is sent once, when due, by the job queue; a
household gets it at most once (one delivery per reminder and household, the database enforces
it too)."""

from __future__ import annotations

import datetime as dt

from attrs import define

from domain.aggregates import Aggregate
from domain.benefits import BenefitProgram, ProgramStatus
from domain.errors import IllegalTransition, InvalidValue

__all__ = ["MAX_DAYS_BEFORE", "Reminder", "ReminderDelivery"]

MAX_DAYS_BEFORE = 60


@define(slots=False, eq=False)
class Reminder(Aggregate):
    id: str
    program_id: str
    days_before: int  # N days before the deadline (the window's end)
    due_at: dt.datetime
    created_by: str
    created_at: dt.datetime
    job_id: str | None = None  # the send, once it was started

    @classmethod
    def schedule(cls, *, id: str, program: BenefitProgram, days_before: int, by: str,
                 at: dt.datetime) -> Reminder:
        if isinstance(days_before, bool) or not isinstance(days_before, int) \
                or not 1 <= days_before <= MAX_DAYS_BEFORE:
            raise InvalidValue(f"締切の何日前かを1〜{MAX_DAYS_BEFORE}の数字で入力してください。")
        if program.status not in (ProgramStatus.DRAFT, ProgramStatus.OPEN):
            raise IllegalTransition(f"給付金「{program.name}」は受付中ではないため、督促を"
                                    "予約できません。", code="program_not_open")
        due_at = program.window.closes_at - dt.timedelta(days=days_before)
        if due_at <= at:
            raise InvalidValue(f"締切の{days_before}日前はすでに過ぎています。もっと短い日数に"
                               "してください。", code="reminder_in_the_past")
        return cls(id=id, program_id=program.id, days_before=days_before, due_at=due_at,
                   created_by=by, created_at=at)

    def is_due(self, now: dt.datetime) -> bool:
        return self.job_id is None and now >= self.due_at

    def start(self, job_id: str) -> None:
        if self.job_id is not None:
            raise IllegalTransition("この督促はすでに送信を始めています。")
        self.job_id = job_id


@define(slots=False, eq=False)
class ReminderDelivery:
    """A household was reminded (its message is in the outbox, written in the same
    transaction). Unique per reminder and household."""

    id: str
    reminder_id: str
    household_id: str
    message_id: str
    sent_at: dt.datetime
