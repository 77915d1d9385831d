"""Deliver what the outbox holds, through the recipient's channel, and record each outcome.

Each message goes out with an idempotency key derived from its outbox id, so a message sent
twice (a retry after a timeout, a dispatcher that died after sending) is accepted once by the
channel. A blocked recipient is never sent anything, nor an optional message (town news) to an
address whose resident declined them. On a first attempt, messages with the same
content and no reply token go together in the channel's group sends (LINE multicast, 500 a
request, each recipient at most once: a second identical message to the same resident goes in
another request), keyed by the exact set of outbox ids; a group that fails is retried one by one.
Transient failures wait with a growing back-off; permanent ones are kept as failed, and a
notice that failed for good is carried on to the person's next rung of the town's ladder in the
same transaction (`fallback.py`). Each message's delivery status (sending, delivered,
permanent- or technical-failure) follows its outcome; a provider that returns a reference
reports back later (`recording_delivery_status.py`). A reply (which carries no idempotency key)
retaken from a dispatcher that died is sent again with its own token, which the channel accepts
once (ADR 0037). Each outcome is logged under the request id that wrote the message
(application/correlation.py) and counted (`Metrics.delivered`: sent, retry or failed, by
channel).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import threading
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Executor
from contextlib import contextmanager

from attrs import define, frozen

from application.correlation import request_id_bound
from application.messaging.codec import messages_from_json
from application.messaging.fallback import carry_on, shut_address
from application.messaging.outbox import (
    REPLY_TOKEN_BUDGET,
    DeliveryStatus,
    OutboxMessage,
    OutboxStatus,
)
from application.ports.clock import Clock
from application.ports.messaging import DeliveryOutcome, DeliveryResult, MessagingChannel
from application.ports.metrics import NO_METRICS, Metrics
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork

__all__ = ["DeliveryReport", "deliver_outbox"]

log = logging.getLogger(__name__)

# A claim lapses after 15 s unless renewed: the dispatcher renews it every RENEW_EVERY while it
# is still sending, so rows claimed by a process that died are taken up again within seconds
# (their idempotency keys keep the channel from delivering them twice) and a reply among them
# while its token is still good (the token is then the proof: see `retaken`).
CLAIM_LEASE = dt.timedelta(seconds=15)
RENEW_EVERY = CLAIM_LEASE.total_seconds() / 4
MAX_ATTEMPTS = 8
GROUP_LIMIT = 500  # recipients in one group send (LINE's multicast limit)
# An SMS status callback finds its row by the outbox id and may write it while the outcome is
# being recorded: the record is read and made again (the outcomes do not change).
RECORD_ATTEMPTS = 3


@define
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    carried_on: int = 0  # failed notices queued on the next rung of the ladder
    split: int = 0  # members of a refused group, due again at once one by one
    full: bool = False  # the batch took `limit` messages: more may be due already

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retrying

    @property
    def more(self) -> bool:
        """Another round may find something due now: a full batch, notices carried on or a
        refused group's members made due again (by this round). Otherwise only what is
        written later, which wakes the dispatcher itself."""
        return self.full or self.carried_on > 0 or self.split > 0


@frozen
class _Send:
    """One request to a channel: one message id, or a group with identical content. A group's
    key is stored on its members, so a retry (even by another dispatcher after a crash) sends
    the same group with the same key, and the channel accepts it once."""

    channel: str
    message_ids: tuple[str, ...]
    recipients: tuple[str, ...]
    payload: dict  # type: ignore[type-arg]
    reply_token: str | None = None
    group_key: str | None = None
    request_id: str | None = None  # its (first) message's, for the log lines of the request
    retaken: bool = False  # tried before (a dispatcher died, or no answer): it may have arrived

    @property
    def key(self) -> str:
        return self.group_key or self.message_ids[0]


def _group_key(message_ids: list[str]) -> str:
    digest = hashlib.sha256("\n".join(sorted(message_ids)).encode()).hexdigest()
    return f"group:{digest[:32]}"


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2 ** attempts, 600))


def _distinct_chunks(members: list[OutboxMessage]) -> list[list[OutboxMessage]]:
    """Split identical messages into group sends whose recipients are distinct: a channel
    delivers a multicast once to each recipient, so a second identical message to the same
    resident goes in another request. Each chunk holds at most GROUP_LIMIT recipients."""
    rounds: list[list[OutboxMessage]] = []
    copies: dict[str, int] = defaultdict(int)  # how many of this recipient's we placed
    for message in members:
        index = copies[message.recipient]
        copies[message.recipient] += 1
        if index == len(rounds):
            rounds.append([])
        rounds[index].append(message)
    return [members_of_round[start:start + GROUP_LIMIT]
            for members_of_round in rounds
            for start in range(0, len(members_of_round), GROUP_LIMIT)]


_Answer = tuple[list[str], DeliveryResult]  # a group of recipients and what the channel said


def _outcomes(request: _Send, answers: list[_Answer]) -> dict[str, DeliveryResult]:
    """Each message's result, from the groups the channel answered for (LINE: the whole
    multicast at once; e-mail: each recipient on its own). A recipient the channel did not
    answer for is tried again. When a group of several is refused (nothing was accepted), its
    members are sent one by one, at once, each with its own key."""
    said = {recipient: (len(group), result) for group, result in answers for recipient in group}
    found: dict[str, DeliveryResult] = {}
    for message_id, recipient in zip(request.message_ids, request.recipients, strict=True):
        size, result = said.get(recipient, (1, DeliveryResult(DeliveryOutcome.RETRY_LATER,
                                                              "no answer for this recipient")))
        if request.group_key and size > 1 and result.outcome is DeliveryOutcome.REJECTED:
            result = DeliveryResult(DeliveryOutcome.RETRY_LATER,
                                    f"group refused ({result.detail}); sending one by one")
        found[message_id] = result
    return found


def _declined_optional(uow: UnitOfWork, batch: list[OutboxMessage]) -> list[OutboxMessage]:
    """Optional messages (town news: `OutgoingMessage.essential` false) to an address whose
    resident declined them (e-mail's unsubscribe link, ADR 0040)."""
    optional = [m for m in batch
                if not all(item.get("essential", True) for item in m.payload["messages"])]
    declined = {channel: uow.channel_identities.optional_declined_among(
                    channel, [m.recipient for m in optional if m.channel == channel])
                for channel in {m.channel for m in optional}}
    return [m for m in optional if m.recipient in declined[m.channel]]


def _plan(batch: list[OutboxMessage], blocked: Mapping[str, set[str]],
          now: dt.datetime, one_by_one: frozenset[str] = frozenset(),
          ) -> tuple[list[_Send], dict[str, DeliveryResult]]:
    """Requests to make, and outcomes known without asking (blocked recipients). Channels in
    `one_by_one` (SMS: a personal link in each message) never get group sends."""
    known: dict[str, DeliveryResult] = {}
    sends: list[_Send] = []
    groups: dict[tuple[str, str], list[OutboxMessage]] = defaultdict(list)
    earlier: dict[str, list[OutboxMessage]] = defaultdict(list)  # groups tried before
    for message in batch:
        if message.recipient in blocked.get(message.channel, set()):
            known[message.id] = DeliveryResult(DeliveryOutcome.BLOCKED,
                                               "recipient blocked the account")
            continue
        if message.group_key:
            earlier[message.group_key].append(message)
            continue
        first = message.attempts == 0
        # still claimed (the lease lapsed): the dispatcher that claimed it died while sending
        retaken = message.status is OutboxStatus.SENDING
        fresh_token = (message.reply_token if (first or retaken)
                       and now - message.reply_token_issued_at < REPLY_TOKEN_BUDGET else None)
        if first and fresh_token is None and message.channel not in one_by_one:
            content = json.dumps(message.payload["messages"], sort_keys=True,
                                 ensure_ascii=False)
            groups[(message.channel, content)].append(message)
            continue
        # tried before (its dispatcher died, or no clear answer came): it may have arrived
        sends.append(_Send(message.channel, (message.id,), (message.recipient,),
                           message.payload, fresh_token, request_id=message.request_id,
                           retaken=retaken or not first))
    for key, members in earlier.items():
        sends.append(_Send(members[0].channel, tuple(m.id for m in members),
                           tuple(m.recipient for m in members), members[0].payload,
                           group_key=key, request_id=members[0].request_id))
    for (channel, _content), members in groups.items():
        for chunk in _distinct_chunks(members):
            if len(chunk) == 1:
                sends.append(_Send(channel, (chunk[0].id,), (chunk[0].recipient,),
                                   chunk[0].payload, request_id=chunk[0].request_id))
                continue
            key = _group_key([m.id for m in chunk])
            for member in chunk:
                member.group_key = key
            sends.append(_Send(channel, tuple(m.id for m in chunk),
                               tuple(m.recipient for m in chunk), chunk[0].payload,
                               group_key=key, request_id=chunk[0].request_id))
    return sends, known


def deliver_outbox(*, uow_factory: Callable[[], UnitOfWork],
                   channels: Mapping[str, MessagingChannel], clock: Clock, limit: int = 500,
                   executor: Executor | None = None, renew_every: float = RENEW_EVERY,
                   metrics: Metrics = NO_METRICS) -> DeliveryReport:
    """Deliver one batch of due messages; returns what happened (0 handled = nothing was due)."""
    now = clock.now()
    with uow_factory() as uow:
        batch = list(uow.outbox.due(now=now, lease=CLAIM_LEASE, limit=limit))
        if not batch:
            return DeliveryReport()
        full = len(batch) >= limit
        keys = {m.group_key for m in batch if m.group_key}
        if keys:  # a group goes whole, even when the batch limit cut it
            present = {m.id for m in batch}
            batch += [m for m in uow.outbox.in_groups(keys) if m.id not in present
                      and m.due(now=now, lease=CLAIM_LEASE)]
        declined = _declined_optional(uow, batch)
        for message in declined:  # the resident said no to these: not the address's failure
            message.mark_failed("declined: the resident declined optional messages here")
        batch = [m for m in batch if m not in declined]
        blocked = {
            channel: uow.channel_identities.blocked_among(
                channel, [m.recipient for m in batch if m.channel == channel])
            for channel in {m.channel for m in batch}
        }
        one_by_one = frozenset(name for name, channel in channels.items()
                               if getattr(channel, "one_by_one", False))
        # stores new groups' keys on the rows
        sends, outcomes = _plan(batch, blocked, now, one_by_one)
        for message in batch:
            message.claim(now)
        try:
            uow.outbox.save_many(batch)  # one statement for the batch, not one a message
            uow.commit()
        except ConcurrentUpdate:  # another dispatcher claimed some of them: let it
            return DeliveryReport()

    def send(request: _Send) -> list[_Answer]:
        with request_id_bound(request.request_id):  # the channel's log lines carry it too
            return sending(request)

    def sending(request: _Send) -> list[_Answer]:
        everyone = list(request.recipients)
        sender = channels.get(request.channel)
        if sender is None:
            return [(everyone, DeliveryResult(DeliveryOutcome.REJECTED,
                                              f"no channel {request.channel!r}"))]
        messages = messages_from_json(request.payload["messages"])
        ids = ", ".join(request.message_ids)
        try:
            if request.group_key is None:
                answers = [(everyone, sender.send(
                    request.recipients[0], messages, idempotency_key=request.key,
                    reply_token=request.reply_token, retaken=request.retaken))]
            else:
                answers = sender.send_many(everyone, messages, idempotency_key=request.key)
        except Exception as error:  # a bug or an unexpected client error: retry, keep a trace
            # The error's own text may quote a recipient or a message: its type and where it
            # was raised are logged, never its arguments.
            log.warning("outbox message(s) %s not delivered (%s); trying again later\n%s", ids,
                        type(error).__name__, "".join(traceback.format_tb(error.__traceback__)))
            return [(everyone, DeliveryResult(DeliveryOutcome.RETRY_LATER,
                                              type(error).__name__))]
        later = [result.detail for _, result in answers
                 if result.outcome is DeliveryOutcome.RETRY_LATER]
        if later:
            log.warning("outbox message(s) %s not delivered (%s); trying again later", ids,
                        later[0] if len(later) == 1 else f"{len(later)} groups: {later[0]}, …")
        return answers

    claims = {m.id: m.attempts for m in batch}
    request_ids = {m.id: m.request_id for m in batch}  # for the log: recording reads no payload
    with _renewing(uow_factory, claims, clock, every=renew_every):
        results = list(executor.map(send, sends)) if executor else [send(s) for s in sends]
    for request, answers in zip(sends, results, strict=True):
        outcomes.update(_outcomes(request, answers))
    for attempt in range(RECORD_ATTEMPTS):
        try:
            report = _record(uow_factory, outcomes, clock, metrics, request_ids)
            break
        except ConcurrentUpdate:  # a provider's report wrote a row meanwhile: read it again
            if attempt == RECORD_ATTEMPTS - 1:
                raise
    report.failed += len(declined)
    report.full = full
    return report


@contextmanager
def _renewing(uow_factory: Callable[[], UnitOfWork], claims: Mapping[str, int], clock: Clock,
              *, every: float) -> Iterator[None]:
    """Renew this dispatcher's claims every `every` seconds until the block ends, so a slow
    batch keeps its rows while a dispatcher that died loses them after CLAIM_LEASE."""
    done = threading.Event()

    def renew() -> None:
        while not done.wait(every):
            try:
                with uow_factory() as uow:
                    now = clock.now()
                    for message_id, message in uow.outbox.states_of(list(claims)).items():
                        message.renew_claim(now, attempt=claims[message_id])
                    uow.commit()
            except ConcurrentUpdate:  # taken by another dispatcher meanwhile: its now
                continue
            except Exception:
                log.exception("could not renew the outbox claims; trying again")

    renewer = threading.Thread(target=renew, name="madoguchi-outbox-lease", daemon=True)
    renewer.start()
    try:
        yield
    finally:
        done.set()
        renewer.join()


def _record(uow_factory: Callable[[], UnitOfWork], outcomes: Mapping[str, DeliveryResult],
            clock: Clock, metrics: Metrics,
            request_ids: Mapping[str, str | None]) -> DeliveryReport:
    report = DeliveryReport()
    now = clock.now()
    handled: list[tuple[OutboxMessage, str]] = []
    plain: list[OutboxMessage] = []  # sent or to retry: nothing but the row itself changes
    with uow_factory() as uow:
        claimed = uow.outbox.states_of(list(outcomes))
        for message_id, result in outcomes.items():
            message = claimed.get(message_id)
            if message is None:
                continue
            if result.outcome is DeliveryOutcome.DELIVERED:
                # A provider that gave its reference reports delivery later (its callback).
                message.provider_ref = result.provider_ref[:64] or message.provider_ref
                message.mark_sent(now, delivered=not result.provider_ref)
                plain.append(message)
                report.sent += 1
                handled.append((message, "sent"))
            elif result.outcome in (DeliveryOutcome.BLOCKED, DeliveryOutcome.REJECTED):
                message.mark_failed(f"{result.outcome.value}: {result.detail}"[:500])
                identity = shut_address(uow, message, result.outcome, now)
                report.carried_on += carry_on(uow, message, identity, now) is not None
                report.failed += 1
                handled.append((message, "failed"))
            elif message.attempts >= MAX_ATTEMPTS:
                message.mark_failed(f"gave up after {message.attempts} attempts: "
                                    f"{result.detail}"[:500],
                                    status=DeliveryStatus.TECHNICAL_FAILURE)
                identity = uow.channel_identities.get_by_address(message.channel,
                                                                  message.recipient)
                report.carried_on += carry_on(uow, message, identity, now) is not None
                report.failed += 1
                handled.append((message, "failed"))
            else:
                split = result.detail.startswith("group refused")
                if split:
                    message.group_key = None
                wait = dt.timedelta(0) if split else _backoff(message.attempts)
                message.retry_later(result.detail[:500], at=now + wait)
                plain.append(message)
                report.retrying += 1
                report.split += split
                handled.append((message, "retry"))
        uow.outbox.save_many(plain)
        uow.commit()
    for message, outcome in handled:  # once recorded: a log line says what the table holds
        with request_id_bound(request_ids.get(message.id)):
            log.info("outbox message %s %s on %s (attempt %d)", message.id, outcome,
                     message.channel, message.attempts,
                     extra={"outbox_id": message.id, "channel": message.channel,
                            "outcome": outcome, "attempt": message.attempts})
        metrics.delivered(message.channel, outcome)
    return report
