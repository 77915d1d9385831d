"""お知らせ配信's figures: recipients by channel and their messages' outcomes (ADR 0058)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Integer, case, func, or_, select
from sqlalchemy.orm import Session

from adapters.persistence.orm.messaging import outbox
from adapters.persistence.orm.notices import notice_recipients
from application.messaging.outbox import DeliveryStatus, OutboxStatus
from application.ports.notice_queries import ChannelFigures, NoticeLine, NoticeResults
from domain.notices import Notice

__all__ = ["SqlNoticeQueries"]


def _count_if(condition) -> object:  # type: ignore[no-untyped-def]
    return func.sum(case((condition, 1), else_=0)).cast(Integer)


class SqlNoticeQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def notices(self, *, limit: int = 200) -> Sequence[NoticeLine]:
        found = self.session.scalars(
            select(Notice).order_by(Notice.created_at.desc()).limit(limit)).all()  # type: ignore[attr-defined]
        if not found:
            return []
        r = notice_recipients.c
        figures = {row[0]: row[1:] for row in self.session.execute(
            select(r.notice_id, func.count(), func.count(r.opened_at), func.count(r.tapped_at))
            .where(r.notice_id.in_([n.id for n in found])).group_by(r.notice_id))}
        return [NoticeLine(n, *figures.get(n.id, (0, 0, 0))) for n in found]

    def results(self, notice_id: str) -> NoticeResults | None:
        notice = self.session.get(Notice, notice_id)
        if notice is None:
            return None
        r, o = notice_recipients.c, outbox.c
        people: dict[str, list[int]] = {}
        unreached = declined = total = 0
        for channel, count, opened, tapped, refused in self.session.execute(
                select(r.channel, func.count(), func.count(r.opened_at), func.count(r.tapped_at),
                       _count_if(r.declined))
                .where(r.notice_id == notice_id).group_by(r.channel)):
            total += count
            if channel:
                people[channel] = [count, opened, tapped]
            else:
                declined += refused or 0
                unreached += count - (refused or 0)
        firsts = select(r.outbox_id).where(r.notice_id == notice_id, r.outbox_id.is_not(None))
        messages = {row[0]: row[1:] for row in self.session.execute(
            select(o.channel, func.count(), _count_if(o.status == OutboxStatus.SENT),
                   _count_if(o.delivery_status == DeliveryStatus.DELIVERED),
                   _count_if(o.status == OutboxStatus.FAILED),
                   _count_if(o.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])))
            .where(or_(o.id.in_(firsts), o.fallback_of.in_(firsts))).group_by(o.channel))}
        channels = sorted(set(people) | set(messages))
        figures = tuple(
            ChannelFigures(channel, people.get(channel, [0])[0],
                           *(v or 0 for v in messages.get(channel, (0, 0, 0, 0, 0))),
                           *people.get(channel, [0, 0, 0])[1:])
            for channel in channels)
        return NoticeResults(notice, figures, total, unreached, declined)
