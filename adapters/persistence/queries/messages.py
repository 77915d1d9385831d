"""What the outbox holds and what the town sent to a resident, for people to read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from adapters.persistence.orm.messaging import outbox
from adapters.persistence.queries.rows import plain
from adapters.persistence.types import UTCDateTime
from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.queries import MessageLine, OutboxBacklog

__all__ = ["SqlMessageQueries"]


class SqlMessageQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def outbox_counts(self) -> dict[OutboxStatus, int]:
        rows = self.session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
        return dict(rows)  # type: ignore[arg-type]

    def backlog(self, *, now: dt.datetime) -> OutboxBacklog:
        o = outbox.c
        waiting = self.session.execute(
            select(func.count()).where(o.status.in_([OutboxStatus.PENDING,
                                                     OutboxStatus.SENDING]))).scalar_one()
        due_at = type_coerce(func.coalesce(o.next_attempt_at, o.created_at), UTCDateTime())
        oldest = self.session.execute(
            select(type_coerce(func.min(due_at), UTCDateTime()))
            .where(o.status == OutboxStatus.PENDING, due_at <= now)).scalar_one()
        return OutboxBacklog(waiting=waiting, oldest_due_at=oldest)

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        return self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING)
            .order_by(OutboxMessage.created_at, OutboxMessage.id).limit(limit)).all()

    def messages_to(self, addresses: Sequence[tuple[str, str]], *,
                    limit: int = 30) -> Sequence[MessageLine]:
        if not addresses:
            return []
        o = outbox.c
        matches = or_(*(and_(o.channel == channel, o.recipient == address)
                        for channel, address in addresses))
        statement = (select(o.channel, o.status, o.payload, o.created_at, o.sent_at,
                            o.delivery_status)
                     .where(matches).order_by(o.created_at.desc()).limit(limit))
        return [MessageLine(channel=row[0], status=plain(row[1]),
                            text=_text(row[2] or {}), created_at=row[3], sent_at=row[4],
                            delivery_status=plain(row[5]))
                for row in self.session.execute(statement)]

    def transcript(self, channel: str, address: str, *,
                   limit: int = 30) -> Sequence[OutboxMessage]:
        newest = self.session.scalars(
            select(OutboxMessage).where(OutboxMessage.channel == channel,
                                        OutboxMessage.recipient == address)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)).all()
        return list(reversed(newest))


def _text(payload: dict[str, Any]) -> str:
    messages = payload.get("messages") or []
    texts = [m.get("text") or m.get("alt_text") or "" for m in messages if isinstance(m, dict)]
    return " / ".join(t for t in texts if t)[:200]
