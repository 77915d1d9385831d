"""The inbox's read side: a department's cases by status, and how many in each."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from domain.cases import CaseStatus, InboxCase

__all__ = ["CaseQueries"]


class CaseQueries(Protocol):
    def cases(self, *, departments: Collection[str] | None, status: CaseStatus | None,
              unrouted: bool = False, limit: int = 200) -> Sequence[InboxCase]:
        """Newest first. `departments` None: every department's (and the unrouted ones)."""
        ...

    def counts(self, *, departments: Collection[str] | None) -> dict[CaseStatus, int]: ...
