"""督促: staff schedule a reminder to the households a program's notice reached that have not
answered, N days before the deadline. Previewed like a campaign (how many households, the exact
text); sent when due by the job queue (`reminding_due.py` starts it, `reminding_send.py` sends
it: at most once per household, resumable)."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.benefits.notices import notice
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.access import Permission
from domain.benefits import Application, BenefitProgram
from domain.errors import InvalidValue, NotFound
from domain.reminders import Reminder
from domain.values import JST

__all__ = ["ReminderPreview", "ScheduleReminder", "preview_reminder", "reminder_messages",
           "schedule_reminder"]


@frozen
class ScheduleReminder:
    program_id: str
    days_before: int
    actor: Actor


@frozen
class ReminderPreview:
    unanswered: int  # households sent a notice that have not answered, now
    messages: tuple[OutgoingMessage, ...]  # what the first of them would get


def reminder_messages(program: BenefitProgram, application: Application, *,
                      banks: BankMaster | None) -> list[OutgoingMessage]:
    """The reminder, then the household's notice again (its buttons still answer it)."""
    closes = program.window.closes_at.astimezone(JST)
    text = (f"【{program.name} 申請期限のお知らせ】\n"
            f"申請の期限は{closes.year}年{closes.month}月{closes.day}日 "
            f"{closes:%H:%M}までです。まだご回答がありません。\n"
            "次のお知らせのボタンから、申請するかどうかをお答えください。")
    return [OutgoingMessage(text), notice(program, application, banks=banks)]


def _program(uow: UnitOfWork, program_id: str) -> BenefitProgram:
    program = uow.programs.get(program_id)
    if program is None:
        raise NotFound("給付金が見つかりません。")
    return program


def preview_reminder(program_id: str, *, uow: UnitOfWork,
                     banks: BankMaster | None) -> ReminderPreview:
    with uow:
        program = _program(uow, program_id)
        first = uow.queries.benefits.unanswered_page(program_id, after="", limit=1)
        application = uow.applications.get_for(program_id, first[0]) if first else None
        messages = (reminder_messages(program, application, banks=banks)
                    if application is not None else [])
        return ReminderPreview(uow.queries.benefits.unanswered_count(program_id),
                               tuple(messages))


def schedule_reminder(command: ScheduleReminder, *, uow: UnitOfWork, ids: IdGenerator,
                      clock: Clock) -> Reminder:
    command.actor.ensure(Permission.MANAGE_PROGRAMS, "督促を予約")
    now = clock.now()
    with uow:
        program = _program(uow, command.program_id)
        reminder = Reminder.schedule(id=ids.new_id(), program=program,
                                     days_before=command.days_before, by=command.actor.id,
                                     at=now)
        if any(r.days_before == reminder.days_before for r in uow.reminders.of_program(program.id)):
            raise InvalidValue(f"締切の{reminder.days_before}日前の督促はすでに予約しています。",
                               code="duplicate_reminder")
        uow.reminders.add(reminder)
        record(uow, command.actor, "reminder.schedule", "program", program.id, at=now,
               days_before=reminder.days_before)
        try:
            uow.commit()
        except DuplicateError:  # the same reminder, scheduled at the same moment by another
            raise InvalidValue(f"締切の{reminder.days_before}日前の督促はすでに予約しています。",
                               code="duplicate_reminder") from None
    return reminder
