"""The base every aggregate shares: it records domain events for the unit of work to collect."""

from __future__ import annotations

from domain.events import Event

__all__ = ["Aggregate"]


class Aggregate:
    """Records events. Loaded objects skip `__init__`, so the list is created on first use."""

    def record(self, event: Event) -> None:
        self.__dict__.setdefault("_events", []).append(event)

    def pull_events(self) -> list[Event]:
        events = self.__dict__.get("_events", [])
        self.__dict__["_events"] = []
        return list(events)
