"""What the resident page shows besides the resident: their household's applications and the
messages the town sent them (read-only views over several tables)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

__all__ = ["ApplicationLine", "MessageLine", "ResidentRecords"]


@frozen
class ApplicationLine:
    application_id: str
    program_name: str
    status: str  # ApplicationStatus value
    channel: str
    amount_yen: int | None
    confirmed_at: dt.datetime | None
    decided_at: dt.datetime | None


@frozen
class MessageLine:
    channel: str
    status: str  # OutboxStatus value
    text: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class ResidentRecords(Protocol):
    def applications_of_household(self, household_number: str) -> Sequence[ApplicationLine]: ...

    def messages_to(self, addresses: Sequence[tuple[str, str]], *,
                    limit: int = 30) -> Sequence[MessageLine]:
        """Newest first; addresses as (channel, address)."""
        ...
