"""The inbox's read side: a department's cases by status, and how many in each; the open cases
with a point, for the map. Lines carry only what the lists show: no answers are decrypted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Protocol

from attrs import frozen

from domain.cases import CaseStatus, InboxCase

__all__ = ["CaseLine", "CaseQueries"]


@frozen
class CaseLine:
    """One case as the inbox list and the map list show it."""

    id: str
    number: str
    title: str
    department_id: str | None
    status: CaseStatus
    assignee_id: str | None
    created_at: dt.datetime
    resident_waiting: bool
    updated_at: dt.datetime | None = None  # the last change (「滞留」 counts from it)
    latitude: float | None = None
    longitude: float | None = None


class CaseQueries(Protocol):
    def cases(self, *, departments: Collection[str] | None, status: CaseStatus | None,
              unrouted: bool = False, limit: int = 200) -> Sequence[InboxCase]:
        """Newest first. `departments` None: every department's (and the unrouted ones)."""
        ...

    def lines(self, *, departments: Collection[str] | None, status: CaseStatus | None,
              limit: int = 200) -> Sequence[CaseLine]:
        """The inbox list: newest first. `departments` None: every department's (and the
        unrouted ones)."""
        ...

    def on_map(self, *, departments: Collection[str] | None, statuses: Collection[CaseStatus],
               limit: int) -> tuple[Sequence[CaseLine], int]:
        """Cases of these statuses with a point, newest first (at most `limit`), and how many
        there are in all."""
        ...

    def counts(self, *, departments: Collection[str] | None) -> dict[CaseStatus, int]: ...

    def count(self, status: CaseStatus, *, departments: Collection[str] | None) -> int:
        """The cases of one status (the navigation's badge: 新規), from an index's range."""
        ...
