"""The outbox's repository: what leaves, written with the change that caused it (ADR 0041,
0058, 0059)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Protocol

from application.messaging.outbox import OutboxMessage

__all__ = ["OutboxRepository"]


class OutboxRepository(Protocol):
    def add(self, message: OutboxMessage) -> None: ...

    def add_many(self, messages: Sequence[OutboxMessage]) -> None: ...  # one statement

    # `message` for each (outbox id, recipient) on its channel, in one statement
    def add_copies(self, message: OutboxMessage, copies: Sequence[tuple[str, str]]) -> None: ...

    def get(self, message_id: str) -> OutboxMessage | None: ...
    def get_many(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]: ...

    def states_of(self, message_ids: Sequence[str]) -> dict[str, OutboxMessage]:
        """These messages to change their delivery state (record a send, renew a claim): their
        payload is read from the database only if something uses it."""
        ...

    def in_groups(self, group_keys: Iterable[str]) -> Sequence[OutboxMessage]: ...
    def due(self, *, now: dt.datetime, lease: dt.timedelta,
            limit: int) -> Sequence[OutboxMessage]:
        """The oldest due messages, held for this unit of work until it ends: a dispatcher in
        another process that asks meanwhile gets others, or none (ADR 0065)."""
        ...

    def save_many(self, messages: Sequence[OutboxMessage]) -> None:
        """Write these messages' delivery state (claimed, sent, to retry) at once; raises
        ConcurrentUpdate when another changed one of them since it was read. Their delivery state
        is written as it is now: change them before, not after (a later change may not be
        kept)."""
        ...

    def rungs_of(self, notice_id: str) -> Sequence[OutboxMessage]:
        """A notice and the rows that carried it on to other rungs (`fallback_of`)."""
        ...
    def get_by_provider_ref(self, channel: str, provider_ref: str) -> OutboxMessage | None: ...

    def added_for(self, channel: str, recipient: str) -> OutboxMessage | None:
        """The newest message queued for this address in this unit of work (None: none), so
        that what follows it can go in the same request, in order (ADR 0059)."""
        ...
