"""The segment's read side (ADR 0056): how many people a condition matches, and who they are,
a page at a time, for a notice to go to each once. Implemented in
`adapters/persistence/queries/segments.py` as one SQL statement per call (≤ 1 s on a town of
1,000,000 residents)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

from domain.segments import Condition

__all__ = ["SegmentMember", "SegmentQueries"]


@frozen
class SegmentMember:
    """One person a segment matched: a registry resident (`resident_id`, with whatever
    identities they have) or someone the registry does not know (`identity_id` only: a LINE
    friend, a phone or an address not linked to a resident). `key` is stable and unique per
    person ("r:<resident id>" / "i:<identity id>"): a notice records it so that nobody is told
    twice, and paging goes on after it."""

    key: str
    resident_id: str | None
    identity_id: str | None


class SegmentQueries(Protocol):
    def count(self, condition: Condition) -> int:
        """The people `condition` matches (residents and identities not linked to one)."""
        ...

    def members(self, condition: Condition, *, after: str | None, limit: int
                ) -> Sequence[SegmentMember]:
        """Up to `limit` of the people `condition` matches, in the order of their key, after
        the key `after` (None: from the first)."""
        ...

    def associations(self) -> Sequence[tuple[str, str]]:
        """(id, name) of the town's 自治会, by name (what staff choose from)."""
        ...

    def areas(self) -> Sequence[tuple[str, int]]:
        """The 町丁目 / 大字 the registry's addresses name, each with its residents, in the
        order of the area's name (what staff choose from)."""
        ...
