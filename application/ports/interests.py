"""Interests and their subscriptions (domain/interests.py), in
`adapters/persistence/repositories/interests.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from domain.interests import InterestTopic

__all__ = ["InterestRepository"]


class InterestRepository(Protocol):
    def all(self) -> Sequence[InterestTopic]:
        """Every interest, retired ones too, in their order (position, then key)."""
        ...

    def get(self, key: str) -> InterestTopic | None: ...

    def add(self, interest: InterestTopic) -> None:
        """A key already taken: DuplicateError at commit (or here)."""
        ...

    def save(self, interest: InterestTopic) -> None:
        """Store a changed interest; `interest.version` is the version it was read at (the
        stored one becomes the next). Someone else's change since: ConcurrentUpdate."""
        ...

    def subscribed(self, identity_ids: Sequence[str]) -> set[str]:
        """The keys any of these identities subscribed to."""
        ...

    def subscribe(self, identity_id: str, key: str, *, at: dt.datetime) -> bool:
        """False when it already was."""
        ...

    def unsubscribe(self, identity_ids: Sequence[str], key: str) -> int:
        """Removes the subscription from every one of these identities; how many were."""
        ...
