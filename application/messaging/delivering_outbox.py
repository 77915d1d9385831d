"""Deliver what the outbox holds, through the recipient's channel, and record each outcome.

Each message goes out with its outbox id as the idempotency key, so a message sent twice (a
retry after a timeout, a dispatcher that died after sending) is accepted once by the channel.
A blocked recipient is never sent anything. Transient failures wait with a growing back-off;
permanent ones are kept as failed, for staff to see.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Executor

from attrs import define

from application.messaging.codec import messages_from_json
from application.outbox import OutboxMessage
from application.ports.clock import Clock
from application.ports.messaging import DeliveryOutcome, DeliveryResult, MessagingChannel
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork

__all__ = ["DeliveryReport", "deliver_outbox"]

log = logging.getLogger(__name__)

CLAIM_LEASE = dt.timedelta(minutes=2)
REPLY_TOKEN_BUDGET = dt.timedelta(seconds=50)  # LINE's reply tokens last about a minute
MAX_ATTEMPTS = 8


@define
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retrying


def _backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2 ** attempts, 600))


def deliver_outbox(*, uow_factory: Callable[[], UnitOfWork],
                   channels: Mapping[str, MessagingChannel], clock: Clock, limit: int = 200,
                   executor: Executor | None = None) -> DeliveryReport:
    """Deliver one batch of due messages; returns what happened (0 handled = nothing was due)."""
    now = clock.now()
    with uow_factory() as uow:
        batch = list(uow.outbox.due(now=now, lease=CLAIM_LEASE, limit=limit))
        if not batch:
            return DeliveryReport()
        blocked = {
            channel: uow.channel_identities.blocked_among(
                channel, [m.recipient for m in batch if m.channel == channel])
            for channel in {m.channel for m in batch}
        }
        for message in batch:
            message.claim(now)
        try:
            uow.commit()
        except ConcurrentUpdate:  # another dispatcher claimed some of them: let it
            return DeliveryReport()
        work = [(m.id, m.channel, m.recipient, m.payload, m.attempts,
                 m.reply_token if m.attempts == 1 and now - m.created_at < REPLY_TOKEN_BUDGET
                 else None)
                for m in batch]

    def send(item: tuple) -> DeliveryResult:  # type: ignore[type-arg]
        message_id, channel, recipient, payload, _attempts, reply_token = item
        if recipient in blocked.get(channel, set()):
            return DeliveryResult(DeliveryOutcome.BLOCKED, "recipient blocked the account")
        sender = channels.get(channel)
        if sender is None:
            return DeliveryResult(DeliveryOutcome.REJECTED, f"no channel {channel!r}")
        try:
            return sender.send(recipient, messages_from_json(payload["messages"]),
                               idempotency_key=message_id, reply_token=reply_token)
        except Exception as error:  # a bug or an unexpected client error: retry, keep a trace
            log.exception("delivering outbox message %s failed", message_id)
            return DeliveryResult(DeliveryOutcome.RETRY_LATER, type(error).__name__)

    results = list(executor.map(send, work)) if executor else [send(item) for item in work]
    return _record(uow_factory, work, results, clock)


def _record(uow_factory: Callable[[], UnitOfWork], work: list, results: list[DeliveryResult],
            clock: Clock) -> DeliveryReport:
    report = DeliveryReport()
    now = clock.now()
    with uow_factory() as uow:
        for item, result in zip(work, results, strict=True):
            message: OutboxMessage | None = uow.outbox.get(item[0])
            if message is None:
                continue
            if result.outcome is DeliveryOutcome.DELIVERED:
                message.mark_sent(now)
                report.sent += 1
            elif result.outcome in (DeliveryOutcome.BLOCKED, DeliveryOutcome.REJECTED):
                message.mark_failed(f"{result.outcome.value}: {result.detail}"[:500])
                report.failed += 1
            elif message.attempts >= MAX_ATTEMPTS:
                message.mark_failed(f"gave up after {message.attempts} attempts: "
                                    f"{result.detail}"[:500])
                report.failed += 1
            else:
                message.retry_later(result.detail[:500], at=now + _backoff(message.attempts))
                report.retrying += 1
        uow.commit()
    return report
