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
        """A new unique identifier (a string, sortable by creation where the adapter can)."""
        ...
