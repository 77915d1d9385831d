"""Handle the events the webhook stored (ADR 0062), each exactly once and each resident's in the
order they came: a sender's pending events are taken oldest first, each leased by one worker
(`InboxQueue.claim`: only once every earlier event of the sender is handled) and handled in its
own transaction that marks its row handled (`InboxRepository.mark_processed`: of two workers,
the second finds it done and rolls back). A failing event is tried again after a
pause (the sender's later events wait behind it) and set aside after a few tries, so it blocks
no one for ever. After each event: what follows its commit (既読, keeping an image), and the
outbox is woken, so that a reply goes while its reply token is fresh."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from application.channels.inbound import InboundEvent
from application.channels.inbox import PendingEvent
from application.ports.clock import Clock
from application.ports.inbox_queue import InboxQueue, Sender

__all__ = ["BACK_OFF", "InboxHandler"]

log = logging.getLogger(__name__)

# The pauses before the 2nd, 3rd and 4th try; after the 4th failure the event is set aside.
BACK_OFF = (dt.timedelta(seconds=2), dt.timedelta(seconds=10), dt.timedelta(seconds=60))
# A worker's hold on an event it handles (a killed one's lapses): MADOGUCHI_INBOUND_LEASE_SECONDS.
LEASE = dt.timedelta(seconds=60)
BATCH = 50  # a sender's pending events read at once
SENDERS = 200  # senders taken by one sweep round
RESTARTS = 3  # a sender's events read again at most this often by one call

Route = Callable[[InboundEvent, str], bool]  # (event, inbox id) -> handled now (not before)


class InboxHandler:
    def __init__(self, *, queue: InboxQueue, route: Callable[[], Route], clock: Clock,
                 after: Callable[[InboundEvent], None] = lambda event: None,
                 wake_outbox: Callable[[], None] = lambda: None,
                 lease: dt.timedelta = LEASE) -> None:
        """`route()`: the router's handling, made once per call (InboundRouter.handle with
        a fresh unit of work). `after`: what follows an event's commit. `lease`: how long a
        claim holds (a killed worker's events are taken up once it lapses)."""
        self._queue, self._route, self._clock, self._lease = queue, route, clock, lease
        self._after, self._wake_outbox = after, wake_outbox

    def __call__(self, ids: Sequence[str] | None = None, *,
                 keep_going: Callable[[], bool] = lambda: True) -> int:
        """Handle the pending events of the senders of these rows, those still pending (None:
        a sweep of every sender with an event due, oldest first, until none is left, or
        until `keep_going()` says no between two rounds). How many were handled."""
        route = self._route()
        if ids is not None:
            return self._senders(self._queue.senders_of(ids), route)
        handled = 0
        while True:
            senders = self._queue.due_senders(now=self._clock.now(), limit=SENDERS)
            done = self._senders(senders, route)
            handled += done
            if not done or len(senders) < SENDERS or not keep_going():
                return handled

    def _senders(self, senders: Sequence[Sender], route: Route) -> int:
        handled = sum(self._sender(sender, route) for sender in senders)
        if handled:
            self._wake_outbox()  # the replies, while their reply tokens are fresh
        return handled

    def _sender(self, sender: Sender, route: Route) -> int:
        """The sender's pending events in order, until none is left, one must wait (a pause
        after a failure), or another worker is at them (it goes on to the end)."""
        handled = restarts = 0
        while True:
            pending = self._queue.pending_of(sender, limit=BATCH)
            for item in pending:
                now = self._clock.now()
                if item.next_attempt_at is not None and item.next_attempt_at > now:
                    return handled
                if not self._queue.claim(item.id, now=now, until=now + self._lease):
                    return handled  # another worker is at this sender: it goes on to the end
                try:
                    fresh = route(item.event, item.id)
                except Exception as error:
                    if self._failed(item, error, now):
                        continue  # set aside: the later events go on
                    return handled
                if not fresh:  # handled before, or an earlier event of the sender was stored
                    self._queue.release(item.id)  # meanwhile: read them again, it comes first
                    restarts += 1
                    if restarts > RESTARTS:
                        return handled
                    break
                handled += 1
                self._after(item.event)
            if not pending:  # read once more after the last: one may have come meanwhile
                return handled

    def _failed(self, item: PendingEvent, error: Exception, now: dt.datetime) -> bool:
        """The next try, or the event set aside (True). Logged by ids and the error's type
        only: the event's text and the error's message may be personal."""
        attempts = item.attempts + 1
        if attempts > len(BACK_OFF):
            self._queue.give_up(item.id, attempts=attempts, at=now)
            log.error("inbound event %s (inbox %s) set aside after %d failures (last: %s)",
                      item.event.external_id, item.id, attempts, type(error).__name__)
            return True
        self._queue.retry_later(item.id, attempts=attempts, at=now + BACK_OFF[attempts - 1])
        log.warning("inbound event %s (inbox %s) failed (%s); tried again in %s",
                    item.event.external_id, item.id, type(error).__name__,
                    BACK_OFF[attempts - 1])
        return False
