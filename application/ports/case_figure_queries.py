"""The inbox's figures and exports (ADR 0047): counts by department and status, the timings of
a period's cases, how many wait untouched, and the lines of an export. No personal data: numbers,
departments, procedures' titles, statuses and moments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator
from typing import Protocol

from attrs import frozen

from domain.cases import CaseStatus

__all__ = ["CaseExportLine", "CaseFigureQueries", "CaseTiming"]


@frozen
class CaseExportLine:
    number: str
    department: str  # its name ("" when no department holds it)
    title: str
    procedure_id: str
    status: CaseStatus
    assignee_id: str | None
    created_at: dt.datetime
    first_answer_at: dt.datetime | None  # the first staff reply
    closed_at: dt.datetime | None


@frozen
class CaseTiming:
    created_at: dt.datetime
    first_answer_at: dt.datetime | None
    closed_at: dt.datetime | None


class CaseFigureQueries(Protocol):
    def counts(self, *, departments: Collection[str] | None
               ) -> dict[tuple[str | None, CaseStatus], int]:
        """(department id or None, status) → cases. `departments` None: every one."""
        ...

    def timings(self, *, since: dt.datetime, until: dt.datetime,
                departments: Collection[str] | None) -> list[CaseTiming]:
        """The cases opened in [since, until)."""
        ...

    def untouched(self, *, before: dt.datetime, statuses: Collection[CaseStatus],
                  departments: Collection[str] | None) -> int:
        """Cases in these statuses last changed before `before`."""
        ...

    def lines(self, *, since: dt.datetime, until: dt.datetime,
              departments: Collection[str] | None, chunk: int = 1000) -> Iterator[CaseExportLine]:
        """The cases opened in [since, until), oldest first, read as they are consumed."""
        ...
