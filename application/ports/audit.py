"""The audit log (監査ログ): who did or looked at what, when and from where.

Append-only and hash-chained: each record carries the hash of the one before it, so a changed or
deleted record breaks the chain (`application/audit/verifying_chain.py`). A record names its
target by type and id, never by the personal data itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Protocol

from attrs import field, frozen

__all__ = ["GENESIS_HASH", "AuditEntry", "AuditQuery", "AuditRecord", "AuditTrail"]

GENESIS_HASH = "0" * 64


def _detail(value: Mapping[str, str | int | bool] | None) -> dict[str, str | int | bool]:
    return dict(value or {})


@frozen
class AuditEntry:
    """What to record. `actor_id` is a staff id (or "system"); `detail` holds small facts that
    are not personal data (a status, a count, a reason code)."""

    actor_id: str
    actor_label: str  # the staff member's login id at the time
    action: str  # dotted: "resident.view", "verification.decide", "staff.sign_in"
    target_type: str = ""
    target_id: str = ""
    ip: str = ""
    detail: dict[str, str | int | bool] = field(factory=dict, converter=_detail)


@frozen
class AuditRecord:
    seq: int
    at: dt.datetime
    actor_id: str
    actor_label: str
    action: str
    target_type: str
    target_id: str
    ip: str
    detail: dict[str, str | int | bool]
    prev_hash: str
    hash: str


@frozen
class AuditQuery:
    actor_label: str = ""
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    limit: int = 100
    before_seq: int | None = None  # a page: records older than this one (keyset, by seq)
    after_seq: int | None = None  # or newer than this one (the page before)


class AuditTrail(Protocol):
    def append(self, entry: AuditEntry, *, at: dt.datetime) -> AuditRecord:
        """Chain `entry` after the newest record, in the unit of work's transaction: it is
        written when the unit of work commits, and not at all if it does not. Appenders take
        turns (the newest record is read under a lock), so the chain never forks."""
        ...

    def search(self, query: AuditQuery) -> Sequence[AuditRecord]:
        """Newest first: the newest `limit` records that match, or with `before_seq` the
        newest older than it, or with `after_seq` the oldest newer than it."""
        ...

    def in_order(self, *, after_seq: int, limit: int) -> Sequence[AuditRecord]:
        """Records with seq > after_seq, oldest first (for verifying the chain in pages)."""
        ...

    def head(self) -> tuple[int, str]:
        """The seq and hash of the newest record as last appended ((0, GENESIS_HASH) if none)."""
        ...
