"""Push a program's notices (プッシュ通知) to every reachable eligible household: preview first
(the exact message and the count), then send as a job.

Each notice is written to the outbox in the same transaction as the household's application
(status 通知済み), and the application is unique per program and household: a send that is
resumed, run twice or raced by another never gives a household two notices. Households without
a reachable head are left for the postal path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.benefits.notices import notice
from application.benefits.reach import PAGE, eligible_pages, reach_of
from application.jobs.catalog import Progress
from application.jobs.job import Job
from application.messaging.codec import messages_to_json
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.access import Permission
from domain.benefits import Application, BenefitProgram, Campaign
from domain.errors import IllegalTransition, NotFound

__all__ = [
    "SEND_CAMPAIGN",
    "CampaignPreview",
    "preview_campaign",
    "send_campaign",
    "start_campaign",
]

SEND_CAMPAIGN = "send_benefit_campaign"
ATTEMPTS = 3


@frozen
class CampaignPreview:
    recipients: int  # reachable households that have no notice yet
    already_notified: int
    postal: int
    example: OutgoingMessage | None  # the exact notice the first recipient will get

    def to_json(self) -> dict[str, Any]:
        return {"recipients": self.recipients, "already_notified": self.already_notified,
                "postal": self.postal,
                "example": messages_to_json([self.example])[0] if self.example else None}


def _sendable(program: BenefitProgram | None, now: dt.datetime) -> BenefitProgram:
    if program is None:
        raise NotFound("給付金が見つかりません。")
    program.ensure_accepting(now)
    return program


def preview_campaign(program_id: str, *, uow: UnitOfWork, clock: Clock,
                     banks: BankMaster | None, policy: ContactPolicy) -> CampaignPreview:
    recipients = already = postal = 0
    example: OutgoingMessage | None = None
    with uow:
        program = _sendable(uow.programs.get(program_id), clock.now())
        for page in eligible_pages(program_id, uow=uow):
            reached = reach_of(page, uow=uow, policy=policy)
            existing = uow.applications.for_households(program_id, page)
            for household in reached:
                if household.identity is None:
                    postal += 1
                elif household.household.id in existing:
                    already += 1
                else:
                    recipients += 1
                    if example is None:
                        offered = uow.applications.paid_accounts([household.household.id])
                        sample = Application.notify(
                            id="preview", program=program, household_id=household.household.id,
                            at=clock.now(), offered_account=offered.get(household.household.id))
                        example = notice(program, sample, banks=banks)
    return CampaignPreview(recipients, already, postal, example)


def start_campaign(program_id: str, *, actor: Actor, uow: UnitOfWork, queue: JobQueue,
                   ids: IdGenerator, clock: Clock, banks: BankMaster | None,
                   policy: ContactPolicy) -> Campaign:
    actor.ensure(Permission.MANAGE_PROGRAMS, "通知を送信")
    preview = preview_campaign(program_id, uow=uow, clock=clock, banks=banks, policy=policy)
    if preview.recipients == 0:
        raise IllegalTransition("通知を送る世帯がありません（対象世帯の取り込みと、送信済みかを"
                                "確認してください）。", code="no_recipients")
    now = clock.now()
    job = Job(id=ids.new_id(), name=SEND_CAMPAIGN, payload={"program_id": program_id},
              created_at=now)
    campaign = Campaign(id=ids.new_id(), program_id=program_id, job_id=job.id,
                        started_by=actor.id, started_at=now, recipients=preview.recipients)
    with uow:
        uow.jobs.add(job)
        uow.campaigns.add(campaign)
        record(uow, actor, "campaign.start", "program", program_id, at=now,
               recipients=preview.recipients)
        uow.commit()
    queue.enqueue(job.id)
    return campaign


def send_campaign(program_id: str, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                  clock: Clock, banks: BankMaster | None, policy: ContactPolicy,
                  wake: Callable[[], None], progress: Progress | None = None) -> dict[str, Any]:
    """The job: page through the list; each page is one transaction."""
    with uow_factory() as uow:
        _sendable(uow.programs.get(program_id), clock.now())
        total = uow.queries.benefits.eligible_count(program_id)
    counts = {"sent": 0, "already_notified": 0, "postal": 0}
    after, done = "", 0
    while True:
        page = _send_page(program_id, after, uow_factory=uow_factory, ids=ids, clock=clock,
                          banks=banks, policy=policy, counts=counts)
        if not page:
            break
        after, done = page[-1], done + len(page)
        wake()
        if progress:
            progress(done, total)
    return {**counts, "eligible": total,
            "summary": f"{counts['sent']}世帯に通知を送りました（送信済み"
                       f"{counts['already_notified']}世帯、郵送{counts['postal']}世帯）。"}


def _send_page(program_id: str, after: str, *, uow_factory: Callable[[], UnitOfWork],
               ids: IdGenerator, clock: Clock, banks: BankMaster | None,
               policy: ContactPolicy, counts: dict[str, int]) -> list[str]:
    for attempt in range(ATTEMPTS):
        page_counts = dict.fromkeys(counts, 0)
        with uow_factory() as uow:
            now = clock.now()
            program = _sendable(uow.programs.get(program_id), now)
            page = list(uow.eligibility.page(program_id, after=after, limit=PAGE))
            if not page:
                return []
            reached = reach_of(page, uow=uow, policy=policy)
            existing = uow.applications.for_households(program_id, page)
            fresh = [r for r in reached
                     if r.identity is not None and r.household.id not in existing]
            accounts = uow.applications.paid_accounts([r.household.id for r in fresh])
            page_counts["postal"] = sum(1 for r in reached if r.identity is None)
            page_counts["already_notified"] = len(reached) - page_counts["postal"] - len(fresh)
            for household in fresh:
                assert household.identity is not None
                application = Application.notify(
                    id=ids.new_id(), program=program, household_id=household.household.id,
                    at=now, offered_account=accounts.get(household.household.id),
                    notice_message_id=ids.new_id())
                uow.applications.add(application)
                uow.outbox.add(OutboxMessage.of(
                    [notice(program, application, banks=banks)],
                    id=str(application.notice_message_id), channel=household.identity.channel,
                    recipient=household.identity.address, at=now))
            page_counts["sent"] = len(fresh)
            try:
                uow.commit()
            except DuplicateError:  # another send wrote some of these first: read again
                if attempt == ATTEMPTS - 1:
                    raise
                continue
        for key, value in page_counts.items():
            counts[key] += value
        return page
    return []  # not reached
