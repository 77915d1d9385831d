"""An in-memory LinkStore (application/ports/resident_links.py), for unit tests."""

from __future__ import annotations

import datetime as dt
import threading

import attrs

from application.ports.resident_links import ResidentLink

__all__ = ["MemoryLinkStore"]


class MemoryLinkStore:
    def __init__(self) -> None:
        self.links: dict[str, ResidentLink] = {}
        self._lock = threading.Lock()

    def add(self, link: ResidentLink) -> bool:
        if link.id in self.links:
            return False
        self.links[link.id] = link
        return True

    def get(self, link_id: str) -> ResidentLink | None:
        return self.links.get(link_id)

    def use(self, link_id: str, *, at: dt.datetime) -> bool:
        with self._lock:
            link = self.links.get(link_id)
            if link is None or link.used_at is not None:
                return False
            self.links[link_id] = attrs.evolve(link, used_at=at)
            return True

    def count_attempt(self, link_id: str) -> int:
        link = self.links.get(link_id)
        if link is None:
            return 0
        self.links[link_id] = attrs.evolve(link, attempts=link.attempts + 1)
        return link.attempts + 1
