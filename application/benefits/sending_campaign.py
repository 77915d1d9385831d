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
from application.benefits.reach import PAGE, Reach, category_pages, reach_in, reach_of
from application.benefits.sending_pages import send_in_pages
from application.jobs.catalog import Progress
from application.jobs.job import Job
from application.messaging.codec import messages_to_json
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.messaging import OutgoingMessage
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.access import Permission
from domain.benefits import Application, BenefitProgram
from domain.eligibility import Campaign
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
    """What a send would do, from the program's one reach split (`reach.py`)."""

    reach: Reach
    example: OutgoingMessage | None  # the exact notice the first recipient will get

    @property
    def recipients(self) -> int:
        """Households the send would notify: no application yet, reachable in the chat."""
        return self.reach.to_notify

    @property
    def already_notified(self) -> int:
        return self.reach.notified

    @property
    def postal(self) -> int:
        return self.reach.postal

    def to_json(self) -> dict[str, Any]:
        return {"recipients": self.recipients, "already_notified": self.already_notified,
                "applied": self.reach.applied, "postal": self.postal,
                "by_channel": dict(self.reach.by_channel),
                "example": messages_to_json([self.example])[0] if self.example else None}


def _sendable(program: BenefitProgram | None, now: dt.datetime) -> BenefitProgram:
    if program is None:
        raise NotFound("給付金が見つかりません。")
    program.ensure_accepting(now)
    return program


def preview_campaign(program_id: str, *, uow: UnitOfWork, clock: Clock,
                     banks: BankMaster | None, policy: ContactPolicy) -> CampaignPreview:
    example: OutgoingMessage | None = None
    with uow:
        program = _sendable(uow.programs.get(program_id), clock.now())
        reach = reach_in(program_id, uow=uow, policy=policy)
        first = next(category_pages(program_id, "to_notify", uow=uow, policy=policy, page=1),
                     [])
        if first:
            offered = uow.applications.paid_accounts([first[0]])
            sample = Application.notify(id="preview", program=program, household_id=first[0],
                                        at=clock.now(), offered_account=offered.get(first[0]))
            example = notice(program, sample, banks=banks)
    return CampaignPreview(reach, example)


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
    """The job: page through the households to notify; each page is one transaction. Its
    progress counts the households considered (those to notify when it started); its result
    says how many were sent a notice."""
    with uow_factory() as uow:
        _sendable(uow.programs.get(program_id), clock.now())
        total = reach_in(program_id, uow=uow, policy=policy).to_notify
    sent, considered = send_in_pages(
        lambda after: _send_page(program_id, after, uow_factory=uow_factory, ids=ids,
                                 clock=clock, banks=banks, policy=policy),
        total=total, wake=wake, progress=progress)
    with uow_factory() as uow:
        reach = reach_in(program_id, uow=uow, policy=policy)
    return {"sent": sent, "considered": considered, "already_notified": reach.notified,
            "applied": reach.applied, "postal": reach.postal, "eligible": reach.eligible,
            "summary": f"{considered}世帯を確認し、{sent}世帯に通知を送りました（通知済み"
                       f"{reach.notified}世帯、郵送{reach.postal}世帯）。"}


def _send_page(program_id: str, after: str, *, uow_factory: Callable[[], UnitOfWork],
               ids: IdGenerator, clock: Clock, banks: BankMaster | None,
               policy: ContactPolicy) -> tuple[list[str], int]:
    for attempt in range(ATTEMPTS):
        with uow_factory() as uow:
            now = clock.now()
            program = _sendable(uow.programs.get(program_id), now)
            page = list(uow.queries.benefits.reach_page(program_id, policy.ladder, "to_notify",
                                                        after=after, limit=PAGE))
            if not page:
                return [], 0
            fresh = [r for r in reach_of(page, uow=uow, policy=policy) if r.identity is not None]
            accounts = uow.applications.paid_accounts([r.household.id for r in fresh])
            applications: list[Application] = []
            notices: list[OutboxMessage] = []
            for household in fresh:
                assert household.identity is not None
                application = Application.notify(
                    id=ids.new_id(), program=program, household_id=household.household.id,
                    at=now, offered_account=accounts.get(household.household.id),
                    notice_message_id=ids.new_id(), channel=household.identity.channel)
                applications.append(application)
                notices.append(OutboxMessage.of(
                    [notice(program, application, banks=banks)],
                    id=str(application.notice_message_id), channel=household.identity.channel,
                    recipient=household.identity.address, at=now, notice=True))
            try:
                # the page's rows in one statement each (ADR 0068), committed together
                uow.applications.add_notified(applications)
                uow.outbox.add_many(notices)
                uow.commit()
            # another send wrote some of these first, or a provider's report changed a row the
            # page read (a number found unreachable meanwhile): read the page again
            except (DuplicateError, ConcurrentUpdate):
                if attempt == ATTEMPTS - 1:
                    raise
                continue
        return page, len(fresh)
    return [], 0  # not reached
