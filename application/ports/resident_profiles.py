"""Where segments' attributes of registry residents are kept (ADR 0056): one row per resident,
written with the registry import that changes them. Implemented in
`adapters/persistence/repositories/resident_profiles.py`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

__all__ = ["ResidentProfile", "ResidentProfileRepository"]


@frozen
class ResidentProfile:
    """A resident's coarse attributes: the 町丁目 / 大字 ("" when it cannot be read), the month
    of birth (`domain.segments.month_index`) and the registry's sex code. The household's id and
    size are the repository's to keep (`refresh_households`)."""

    resident_id: str
    area: str
    birth_month: int | None
    sex: str | None


class ResidentProfileRepository(Protocol):
    def save(self, profiles: Sequence[ResidentProfile]) -> None:
        """Create or replace these residents' profiles (their household is kept as it was)."""
        ...

    def refresh_households(self, *, resident_ids: Sequence[str],
                           household_ids: Sequence[str]) -> None:
        """Set the household and its size (its members still in the registry), as the
        households say now (this transaction's changes included), on the profiles of these
        residents and of every resident who is or was a member of these households."""
        ...

    def resident_ids(self, *, after: str, limit: int) -> Sequence[str]:
        """Every resident's id, in order, after `after` (a rebuild goes through them)."""
        ...
