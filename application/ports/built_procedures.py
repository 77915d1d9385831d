"""The repository port of the procedures staff build and their published versions (ADR 0055)."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from domain.built_procedures import BuiltProcedure, ProcedureVersion

__all__ = ["BuiltProcedureRepository"]


class BuiltProcedureRepository(Protocol):
    def add(self, procedure: BuiltProcedure) -> None: ...
    def get(self, procedure_id: str) -> BuiltProcedure | None: ...
    def all(self) -> list[BuiltProcedure]: ...

    def add_version(self, version: ProcedureVersion) -> None:
        """Raises DuplicateError when that version exists (two staff publishing at once)."""
        ...

    def versions_of(self, procedure_id: str) -> list[ProcedureVersion]:
        """Newest first."""
        ...

    def version(self, procedure_id: str, number: int) -> ProcedureVersion | None: ...

    def set_trial(self, procedure_id: str, code: str, expires_at: dt.datetime) -> bool:
        """A trial code for the draft, written apart from the draft's lock version (starting a
        trial is not an edit: another staff member's open editor stays current); False when
        there is no such procedure."""
        ...
