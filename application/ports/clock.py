from __future__ import annotations

import datetime as dt
from typing import Protocol

__all__ = ["Clock", "IdGenerator"]


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current moment, timezone-aware."""
        ...


class IdGenerator(Protocol):
    def new_id(self) -> str:
        """A new unique identifier (a string, sortable by creation where the adapter can).
        A generator handed to other processes (the registry import's workers, ADR 0080) is
        copied there: each copy must still give ids no other copy gives."""
        ...
