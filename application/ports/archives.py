"""Archives: the file a town takes away with everything it owns (the town's export)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Protocol

from application.ports.queries import TownCell, TownFile

__all__ = ["ArchiveMismatch", "TownArchive"]


class ArchiveMismatch(Exception):
    """A file came out with another number of rows than was counted (and audited) before it
    was written: the archive is discarded, nothing is left at its place."""


class TownArchive(Protocol):
    def write(self, files: Sequence[TownFile],
              rows: Callable[[TownFile], Iterator[tuple[TownCell, ...]]], *,
              expected: Mapping[str, int], created_at: dt.datetime) -> Mapping[str, int]:
        """Write every file's rows (read as they are written), a manifest, and only then put
        the archive at its place, all at once; return the rows written per file. A file whose
        rows differ from `expected` raises `ArchiveMismatch` and leaves nothing behind."""
        ...
