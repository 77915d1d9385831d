"""A webhook's delivery, stored (ADR 0062): each event in the inbox, where it waits to be handled;
a redelivery of an event stored before stores nothing. Returns the ids of the rows stored."""

from __future__ import annotations

from collections.abc import Sequence

from application.channels.inbound import InboundEvent
from application.ports.clock import Clock, IdGenerator
from application.ports.inbox_queue import InboxQueue

__all__ = ["receive_events"]


def receive_events(events: Sequence[InboundEvent], *, queue: InboxQueue, ids: IdGenerator,
                   clock: Clock) -> list[str]:
    # Sorted: ids made in the same millisecond are in random order, and a resident's events
    # are handled in the order of (received_at, id).
    return queue.store(events, ids=sorted(ids.new_id() for _ in events), now=clock.now())
