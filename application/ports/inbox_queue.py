"""The inbox as a queue of work (ADR 0062): a webhook stores a delivery's events in one
statement and answers; workers take each resident's pending events in the order they came."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from application.channels.inbound import InboundEvent
from application.channels.inbox import PendingEvent

__all__ = ["InboxQueue", "Sender"]

Sender = tuple[str, str]  # (channel, address): whose events are handled one after another


class InboxQueue(Protocol):
    def store(self, events: Sequence[InboundEvent], *, ids: Sequence[str],
              now: dt.datetime) -> list[str]:
        """Store the events not stored before (a redelivery changes nothing), each under its
        id; the ids of those stored now."""
        ...

    def senders_of(self, ids: Sequence[str]) -> list[Sender]:
        """Who sent the events of these rows that still wait to be handled (each sender once,
        in the order given). A row handled or set aside meanwhile names no one: its sender's
        later events were woken for themselves, and what no wake names any more (an event
        waiting out a failure's pause, one a worker left after too many restarts or a lapsed
        lease) is the sweep's (`due_senders`)."""
        ...

    def due_senders(self, *, now: dt.datetime, limit: int) -> list[Sender]:
        """The senders with a pending event due now, whose oldest pending event came first."""
        ...

    def pending_of(self, sender: Sender, *, limit: int) -> list[PendingEvent]:
        """The sender's events not handled and not given up, in the order they came."""
        ...

    def claim(self, inbox_id: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        """A worker's lease on a pending event until `until`, if no one holds one and every
        earlier event of its sender is handled. False: another worker has it, or it must wait
        its turn."""
        ...

    def release(self, inbox_id: str) -> None:
        """A worker's lease given back unused (the event was not its sender's next after all)."""
        ...

    def retry_later(self, inbox_id: str, *, attempts: int, at: dt.datetime) -> None:
        """An event that failed: tried again at `at` (the sender's later events wait)."""
        ...

    def give_up(self, inbox_id: str, *, attempts: int, at: dt.datetime) -> None:
        """An event that failed too often: set aside, so the sender's later events go on."""
        ...

    def backlog(self) -> int:
        """How many events wait to be handled (not given up)."""
        ...
