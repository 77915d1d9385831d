"""Send a notice to everyone its condition matches (ADR 0058): started now by staff or when its
time comes (`sending_due.py`), then run as a job that pages through the segment's members in the
order of their key.

Each page is one transaction: the people it reaches are recorded (`notice_recipients`, unique
per notice and person) with their messages in the outbox, so a send that is resumed, run twice
or raced by another tells nobody twice; a resumed send goes on after the last key recorded.
Each person is told on the first rung of the town's ladder that reaches them (and moves down it
when that channel fails: `fallback.py`); a notice is optional, so an address whose resident
declined optional messages is passed over; someone no rung reaches is 届かない (the postal
path). LINE's recipients all get the same message, which the dispatcher sends 500 a request.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from attrs import define

from application.access.actor import Actor
from application.audit.recording import record
from application.jobs.catalog import Progress
from application.jobs.job import Job
from application.messaging.outbox import OutboxMessage
from application.messaging.telling import ContactPolicy
from application.notices.composing import ensure_someone, new_token, notice_in
from application.notices.messages import SHARED_CHANNELS, message_for
from application.ports.clock import Clock, IdGenerator
from application.ports.job_queue import JobQueue
from application.ports.messaging import OutgoingMessage
from application.ports.segment_queries import SegmentMember
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.access import Permission
from domain.channels import ChannelIdentity
from domain.notices import Notice, NoticeRecipient, NoticeStatus

__all__ = ["PAGE", "SEND_NOTICE", "SendCounts", "plan_reach", "send_notice", "start_notice"]

SEND_NOTICE = "send_notice"
PAGE = 500
ATTEMPTS = 3


@define
class SendCounts:
    considered: int = 0
    sent: int = 0  # people with a message in the outbox
    unreached: int = 0  # no rung reaches them: 届かない
    declined: int = 0  # they declined optional messages
    skipped: int = 0  # recorded before (a resumed or repeated send)

    def add(self, other: SendCounts) -> None:
        for name in ("considered", "sent", "unreached", "declined", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def start_notice(notice_id: str, *, actor: Actor, uow: UnitOfWork, queue: JobQueue,
                 ids: IdGenerator, clock: Clock) -> Notice:
    """Send now: refused when the condition matches nobody (「条件に合う人がいません」)."""
    actor.ensure(Permission.SEND_NOTICES, "お知らせを送信")
    now = clock.now()
    with uow:
        notice = notice_in(uow, notice_id)
        count = ensure_someone(uow, notice)
        job = Job(id=ids.new_id(), name=SEND_NOTICE, payload={"notice_id": notice.id},
                  created_at=now)
        uow.jobs.add(job)
        notice.start(job.id, by=actor.id, at=now)
        record(uow, actor, "notice.send", "notice", notice.id, at=now, people=count)
        uow.commit()
    queue.enqueue(job.id)
    return notice


def plan_reach(identities: Sequence[ChannelIdentity],
               policy: ContactPolicy) -> tuple[list[ChannelIdentity], bool]:
    """Whom of a person's identities to tell, and whether they declined: the ladder's first rung
    among the identities that take optional messages; nobody (declined) when the only ones that
    reach them declined."""
    taking = [i for i in identities if i.optional_declined_at is None]
    chosen = policy.choose(taking)
    declined = not chosen and bool(policy.choose(identities))
    return chosen, declined


def send_notice(notice_id: str, *, uow_factory: Callable[[], UnitOfWork], ids: IdGenerator,
                clock: Clock, policy: ContactPolicy, public_url: str,
                wake: Callable[[], None], progress: Progress | None = None) -> dict[str, Any]:
    """The job: page through the members after the last one recorded; finish the notice."""
    with uow_factory() as uow:
        notice = notice_in(uow, notice_id)
        if notice.status is not NoticeStatus.SENDING:
            return {"summary": f"このお知らせは{notice.status.label}です。", "sent": 0}
        total = uow.queries.segments.count(notice.segment)
        after = uow.notices.last_key(notice_id)
    counts = SendCounts()
    while True:
        page, done = _send_page(notice_id, after, uow_factory=uow_factory, ids=ids,
                                clock=clock, policy=policy, public_url=public_url)
        if not page:
            break
        after = page[-1]
        counts.add(done)
        wake()
        if progress:
            progress(counts.considered, max(total, counts.considered))
    for attempt in range(ATTEMPTS):
        with uow_factory() as uow:
            notice_in(uow, notice_id).finish(clock.now())
            try:
                uow.commit()
                break
            except ConcurrentUpdate:
                if attempt == ATTEMPTS - 1:
                    raise
    return {"considered": counts.considered, "sent": counts.sent,
            "unreached": counts.unreached, "declined": counts.declined,
            "skipped": counts.skipped,
            "summary": f"{counts.considered}人を確認し、{counts.sent}人に送りました（届かない"
                       f"{counts.unreached}人、配信停止{counts.declined}人）。"}


def _identities_of(uow: UnitOfWork,
                   members: Sequence[SegmentMember]) -> dict[str, list[ChannelIdentity]]:
    """Each person's identities: a resident's linked ones, or the one identity of someone the
    registry does not know (two queries a page, not one a person)."""
    linked = uow.channel_identities.linked_to_any(
        [m.resident_id for m in members if m.resident_id])
    unknown = uow.channel_identities.get_many(
        [m.identity_id for m in members if not m.resident_id and m.identity_id])
    found: dict[str, list[ChannelIdentity]] = {}
    for member in members:
        if member.resident_id:
            found[member.key] = list(linked.get(member.resident_id, []))
        elif member.identity_id:
            identity = unknown.get(member.identity_id)
            found[member.key] = [identity] if identity is not None else []
    return found


def _send_page(notice_id: str, after: str | None, *, uow_factory: Callable[[], UnitOfWork],
               ids: IdGenerator, clock: Clock, policy: ContactPolicy,
               public_url: str) -> tuple[list[str], SendCounts]:
    for attempt in range(ATTEMPTS):
        try:
            return _try_page(notice_id, after, uow_factory=uow_factory, ids=ids, clock=clock,
                             policy=policy, public_url=public_url)
        # another send recorded some of them first, or a report changed a row meanwhile: the
        # page is read again (who was recorded is skipped)
        except (DuplicateError, ConcurrentUpdate):
            if attempt == ATTEMPTS - 1:
                raise
    return [], SendCounts()  # not reached


def _try_page(notice_id: str, after: str | None, *, uow_factory: Callable[[], UnitOfWork],
              ids: IdGenerator, clock: Clock, policy: ContactPolicy,
              public_url: str) -> tuple[list[str], SendCounts]:
    counts = SendCounts()
    with uow_factory() as uow:
        now = clock.now()
        notice = notice_in(uow, notice_id)
        page = list(uow.queries.segments.members(notice.segment, after=after, limit=PAGE))
        if not page:
            return [], counts
        done = uow.notices.recorded_among(notice_id, [m.key for m in page])
        fresh = [m for m in page if m.key not in done]
        counts.considered, counts.skipped = len(page), len(page) - len(fresh)
        identities = _identities_of(uow, fresh)
        # someone who verified while the notice was going out was told as an identity (i:…,
        # listed first) and now comes again as a resident (r:…): told once is enough
        aliases = {m.key: [f"i:{i.id}" for i in identities.get(m.key, [])]
                   for m in fresh if m.resident_id}
        told = uow.notices.recorded_among(notice_id, [a for keys in aliases.values()
                                                      for a in keys])
        again = {key for key, keys in aliases.items() if told.intersection(keys)}
        fresh = [m for m in fresh if m.key not in again]
        counts.skipped += len(again)
        # LINE's one message, made once a page, and its copies: (outbox id, address)
        shared: dict[str, OutboxMessage] = {}
        copies: dict[str, list[tuple[str, str]]] = {}
        recipients: list[NoticeRecipient] = []
        messages: list[OutboxMessage] = []
        for member in fresh:
            chosen, declined = plan_reach(identities.get(member.key, []), policy)
            token = new_token()
            recipient = NoticeRecipient(id=ids.new_id(), notice_id=notice_id,
                                        member_key=member.key, open_token=token,
                                        recorded_at=now, declined=declined)
            for identity in chosen:
                message_id = ids.new_id()
                if identity.channel in SHARED_CHANNELS:
                    shared.setdefault(identity.channel, _queued(message_for(
                        notice, identity.channel, public_url=public_url,
                        token=notice.link_token), message_id, identity.channel, "", now))
                    copies.setdefault(identity.channel, []).append(
                        (message_id, identity.address))
                else:
                    messages.append(_queued(message_for(
                        notice, identity.channel, public_url=public_url, token=token),
                        message_id, identity.channel, identity.address, now))
                recipient.channel = identity.channel
                recipient.outbox_id = recipient.outbox_id or message_id
            recipients.append(recipient)
            counts.sent += bool(chosen)
            counts.declined += declined
            counts.unreached += not chosen and not declined
        # one statement each: the recipients first (a person recorded meanwhile stops the page
        # here), then their messages
        uow.notices.add_recipients(recipients)
        uow.outbox.add_many(messages)
        for channel, template in shared.items():
            uow.outbox.add_copies(template, copies[channel])
        uow.commit()
    return [m.key for m in page], counts


def _queued(message: OutgoingMessage, message_id: str, channel: str, address: str,
            now: dt.datetime) -> OutboxMessage:
    return OutboxMessage.of([message], id=message_id, channel=channel, recipient=address,
                            at=now, notice=True)
