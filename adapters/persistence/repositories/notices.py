"""お知らせ (ADR 0058) and the people each went to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, insert, select, update

from adapters.persistence.orm.notices import notice_recipients, notices
from adapters.persistence.repositories.base import SqlRepository
from domain.notices import Notice, NoticeRecipient, NoticeStatus

__all__ = ["SqlNoticeRepository"]


class SqlNoticeRepository(SqlRepository):
    model = Notice

    def get_by_link_token(self, token: str) -> Notice | None:
        return self._one(Notice.link_token == token)  # type: ignore[arg-type]

    def due(self, now: dt.datetime) -> Sequence[Notice]:
        """Scheduled notices whose time came."""
        found = self.session.scalars(
            select(Notice).where(Notice.status == NoticeStatus.SCHEDULED,  # type: ignore[arg-type]
                                 Notice.scheduled_at <= now)  # type: ignore[operator]
            .order_by(Notice.scheduled_at)).all()  # type: ignore[arg-type]
        self.tracked.update(found)
        return found

    def sending(self) -> Sequence[Notice]:
        """Notices whose send started and has not finished (to resume one that failed)."""
        return self.session.scalars(
            select(Notice).where(Notice.status == NoticeStatus.SENDING)).all()  # type: ignore[arg-type]

    def add_recipient(self, recipient: NoticeRecipient) -> None:
        self.session.add(recipient)

    def add_recipients(self, recipients: Sequence[NoticeRecipient]) -> None:
        if recipients:
            self.session.execute(insert(notice_recipients), [
                {column.name: getattr(r, column.name) for column in notice_recipients.columns}
                for r in recipients])

    def recorded_among(self, notice_id: str, keys: Sequence[str]) -> set[str]:
        if not keys:
            return set()
        return set(self.session.scalars(
            select(notice_recipients.c.member_key)
            .where(notice_recipients.c.notice_id == notice_id,
                   notice_recipients.c.member_key.in_(list(keys)))))

    def last_key(self, notice_id: str) -> str | None:
        return self.session.scalar(
            select(func.max(notice_recipients.c.member_key))
            .where(notice_recipients.c.notice_id == notice_id))

    def recipient_by_token(self, token: str) -> NoticeRecipient | None:
        return self.session.scalars(
            select(NoticeRecipient).where(
                NoticeRecipient.open_token == token)).first()  # type: ignore[arg-type]

    def recipient_of(self, notice_id: str, member_key: str) -> NoticeRecipient | None:
        return self.session.scalars(
            select(NoticeRecipient).where(
                NoticeRecipient.notice_id == notice_id,  # type: ignore[arg-type]
                NoticeRecipient.member_key == member_key)).first()  # type: ignore[arg-type]

    def count_shared(self, notice_id: str, what: str) -> None:
        column = {"opens": notices.c.shared_opens, "taps": notices.c.shared_taps}[what]
        self.session.execute(update(notices).where(notices.c.id == notice_id)
                             .values({column: column + 1}))
