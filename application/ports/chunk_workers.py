"""Work spread over processes: a pure function mapped over chunks of rows (ADR 0080)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

__all__ = ["ChunkWorkers"]

T = TypeVar("T")
R = TypeVar("R")


class ChunkWorkers(Protocol):
    def map(self, function: Callable[[T], R], chunks: Iterable[T]) -> Iterator[R]:
        """`function(chunk)` for every chunk, the results in the chunks' order and lazily (a few
        chunks ahead, so a file of a million rows is never held whole). `function` and each
        chunk cross to another process: a module-level function (or a `functools.partial` of
        one) over plain data. The builtin `map` is the in-process one."""
        ...
