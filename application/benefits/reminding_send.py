"""The reminder's send (a job): page by page through the households sent a notice that have not
answered; each page is one transaction that writes each household's messages to the outbox
together with its delivery row. The delivery is unique per reminder and household, so a send
that is resumed, run twice or raced never reminds a household twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from application.benefits.reach import PAGE, reach_of
from application.benefits.reminding import reminder_messages
from application.benefits.sending_pages import send_in_pages
from application.jobs.catalog import Progress
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.benefits import ProgramStatus
from domain.errors import NotFound
from domain.reminders import ReminderDelivery

__all__ = ["SEND_REMINDER", "send_reminder"]

SEND_REMINDER = "send_benefit_reminder"
ATTEMPTS = 3


def send_reminder(reminder_id: str, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                  clock: Clock, banks: BankMaster | None, policy: ContactPolicy,
                  wake: Callable[[], None], progress: Progress | None = None) -> dict[str, Any]:
    with uow_factory() as uow:
        reminder = uow.reminders.get(reminder_id)
        if reminder is None:
            raise NotFound("督促が見つかりません。")
        program = uow.programs.get(reminder.program_id)
        if program is None or program.status is not ProgramStatus.OPEN \
                or clock.now() >= program.window.closes_at:
            return {"sent": 0, "considered": 0,
                    "summary": "受付中ではないため、督促は送りませんでした。"}
        program_id = program.id
        total = uow.queries.benefits.unanswered_count(program_id)
    sent, considered = send_in_pages(
        lambda after: _send_page(reminder_id, program_id, after, uow_factory=uow_factory,
                                 ids=ids, clock=clock, banks=banks, policy=policy),
        total=total, wake=wake, progress=progress)
    with uow_factory() as uow:
        delivered = uow.reminders.delivered_count(reminder_id)
    return {"sent": sent, "considered": considered, "delivered": delivered,
            "summary": f"未回答の{considered}世帯を確認し、{sent}世帯に督促を送りました"
                       f"（この督促を受け取った世帯は合計{delivered}世帯）。"}


def _send_page(reminder_id: str, program_id: str, after: str, *,
               uow_factory: Callable[[], UnitOfWork], ids: IdGenerator, clock: Clock,
               banks: BankMaster | None, policy: ContactPolicy) -> tuple[list[str], int]:
    for attempt in range(ATTEMPTS):
        with uow_factory() as uow:
            now = clock.now()
            program = uow.programs.get(program_id)
            page = list(uow.queries.benefits.unanswered_page(program_id, after=after,
                                                             limit=PAGE))
            if program is None or not page:
                return [], 0
            delivered = uow.reminders.delivered_among(reminder_id, page)
            waiting = [h for h in page if h not in delivered]
            applications = uow.applications.for_households(program_id, waiting)
            reached = [r for r in reach_of(waiting, uow=uow, policy=policy)
                       if r.identity is not None and r.household.id in applications]
            # A head who stopped reminders (連絡先 in the chat) is not reminded.
            quiet = uow.contact_preferences.quiet_among(
                [r.household.head_resident_id for r in reached])
            reached = [r for r in reached if r.household.head_resident_id not in quiet]
            for household in reached:
                assert household.identity is not None
                message_id = ids.new_id()
                uow.outbox.add(OutboxMessage.of(
                    reminder_messages(program, applications[household.household.id],
                                      banks=banks),
                    id=message_id, channel=household.identity.channel,
                    recipient=household.identity.address, at=now, notice=True))
                uow.reminders.add_delivery(ReminderDelivery(
                    id=ids.new_id(), reminder_id=reminder_id, household_id=household.household.id,
                    message_id=message_id, sent_at=now))
            try:
                uow.commit()
            except DuplicateError:  # another run reminded some of them first: read again
                if attempt == ATTEMPTS - 1:
                    raise
                continue
        return page, len(reached)
    return [], 0  # not reached
