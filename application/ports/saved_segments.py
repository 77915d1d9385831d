"""Saved segments (domain/saved_segments.py), in
`adapters/persistence/repositories/saved_segments.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from domain.saved_segments import SavedSegment

__all__ = ["SavedSegmentRepository"]


class SavedSegmentRepository(Protocol):
    def all(self) -> Sequence[SavedSegment]:
        """By name."""
        ...

    def get(self, segment_id: str) -> SavedSegment | None: ...

    def get_by_name(self, name: str) -> SavedSegment | None: ...

    def add(self, segment: SavedSegment) -> None:
        """A name already taken: DuplicateError (here or at commit)."""
        ...

    def save(self, segment: SavedSegment) -> None:
        """Store a changed segment read at `segment.version` (then the next version);
        someone else's change since: ConcurrentUpdate."""
        ...

    def delete(self, segment: SavedSegment) -> None:
        """Read at `segment.version`; someone else's change since: ConcurrentUpdate."""
        ...
