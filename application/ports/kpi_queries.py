"""The figures of the report a town sends the national government each year (報告・KPI, ADR
0060), month by month: counts only, never a person. Every method takes the months as their
`bounds` — n + 1 moments, the first instants of consecutive Japan months, the last one the end
of the range — and answers one number per month, oldest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

__all__ = ["ConversationCounts", "KpiQueries", "SatisfactionSum"]

Bounds = Sequence[dt.datetime]


@frozen
class ConversationCounts:
    started: int
    completed: int


@frozen
class SatisfactionSum:
    total: int  # the scores added
    answers: int


class KpiQueries(Protocol):
    def friends(self, bounds: Bounds) -> list[int]:
        """LINE friends at each month's end: identities on LINE added before it, less those
        now blocked or unreachable whose status changed before it."""
        ...

    def verified(self, bounds: Bounds) -> list[int]:
        """Identity verifications linked to a registry resident at each month's end."""
        ...

    def cases(self, bounds: Bounds) -> dict[str, list[int]]:
        """Cases opened each month, by procedure id."""
        ...

    def certificate_requests(self, bounds: Bounds) -> list[int]:
        """Certificate requests made each month (requested_at)."""
        ...

    def benefit_applications(self, bounds: Bounds) -> dict[str, list[int]]:
        """Benefit applications confirmed each month, by their channel ("postal": on paper)."""
        ...

    def conversations(self, bounds: Bounds) -> dict[str, list[ConversationCounts]]:
        """Conversations started each month by procedure id (staff's trials of a draft left
        out), with how many of those were completed."""
        ...

    def satisfaction(self, bounds: Bounds) -> list[SatisfactionSum]:
        """The satisfaction survey's scores (1..5) answered each month."""
        ...
