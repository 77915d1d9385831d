"""A webhook's delivery, stored (ADR 0062): each event in the inbox, where it waits to be handled;
a redelivery of an event stored before stores nothing. Returns the rows stored now and their
events (a redelivery's event is not among them: it was acknowledged when it first came)."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import frozen

from application.channels.inbound import InboundEvent
from application.ports.clock import Clock, IdGenerator
from application.ports.inbox_queue import InboxQueue

__all__ = ["Received", "receive_events"]


@frozen
class Received:
    """The rows stored now and their events: two lists, not pairs (the ids in the order the
    database returned them, the events in the delivery's)."""

    ids: list[str]  # the inbox rows stored now, to wake the workers for
    events: list[InboundEvent]  # their events (not a redelivery's), in the delivery's order


def receive_events(events: Sequence[InboundEvent], *, queue: InboxQueue, ids: IdGenerator,
                   clock: Clock) -> Received:
    # Sorted: ids made in the same millisecond are in random order, and a resident's events
    # are handled in the order of (received_at, id).
    row_ids = sorted(ids.new_id() for _ in events)
    stored = queue.store(events, ids=row_ids, now=clock.now())
    new = set(stored)
    return Received(ids=stored, events=[event for event, row_id in zip(events, row_ids,
                                                                       strict=True)
                                        if row_id in new])
