"""The notices' repository (お知らせ配信, ADR 0058): notices and the people each went to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from domain.notices import Notice, NoticeRecipient

__all__ = ["NoticeRepository"]


class NoticeRepository(Protocol):
    """お知らせ (ADR 0058) and the people each went to (unique per notice and person)."""

    def add(self, notice: Notice) -> None: ...
    def get(self, notice_id: str) -> Notice | None: ...
    def get_by_link_token(self, token: str) -> Notice | None: ...
    def due(self, now: dt.datetime) -> Sequence[Notice]: ...
    def sending(self) -> Sequence[Notice]: ...
    def add_recipient(self, recipient: NoticeRecipient) -> None: ...

    def add_recipients(self, recipients: Sequence[NoticeRecipient]) -> None:
        """A page of recipients in one statement; a person recorded before makes it fail with
        `DuplicateError` (from the statement or the commit)."""
        ...

    def recorded_among(self, notice_id: str, keys: Sequence[str]) -> set[str]: ...

    def last_key(self, notice_id: str) -> str | None:
        """The greatest person's key recorded for the notice (a resumed send goes on after)."""
        ...

    def recipient_by_token(self, token: str) -> NoticeRecipient | None: ...
    def recipient_of(self, notice_id: str, member_key: str) -> NoticeRecipient | None: ...

    def count_shared(self, notice_id: str, what: str) -> None:
        """One more open ("opens") or tap ("taps") through the notice's own link, counted in
        the database (concurrent counts all land)."""
        ...
