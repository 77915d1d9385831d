"""Chunks of prepared rows kept, in order, between a big file's two passes (ADR 0084).

The registry import reads each row once: pass one checks it and prepares it for writing, and
pass two writes what pass one prepared, so nothing of the file is read or parsed twice. The
prepared chunks wait in a spool meanwhile: a million persons are about 700 MB, more than a
process should hold. `adapters/background/spooling.py` keeps them on a temporary file, sealed;
`MemorySpool` here holds them, for a file small enough (tests, the demo's town)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, Protocol

__all__ = ["MemorySpool", "RowSpool", "as_is"]


class RowSpool(Protocol):
    def packer(self) -> Callable[[list[Any]], Any]:
        """How a chunk is packed where it is prepared: a function another process can run (it
        pickles), whose result crosses back to be `add`ed."""
        ...

    def add(self, packed: Any) -> None:
        """Keep a packed chunk, after those added before."""
        ...

    def chunks(self) -> Iterator[list[Any]]:
        """Every chunk added, unpacked, in the order added."""
        ...

    def __enter__(self) -> RowSpool: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        """Whatever the spool kept is gone."""
        ...


def as_is(chunk: list[Any]) -> list[Any]:
    """`MemorySpool`'s packer: the chunk itself."""
    return chunk


class MemorySpool:
    """The chunks held in this process's memory."""

    def __init__(self) -> None:
        self._chunks: list[list[Any]] = []

    def packer(self) -> Callable[[list[Any]], Any]:
        return as_is

    def add(self, packed: Any) -> None:
        self._chunks.append(packed)

    def chunks(self) -> Iterator[list[Any]]:
        return iter(self._chunks)

    def __enter__(self) -> MemorySpool:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self._chunks = []
