"""Read-only views for the resident page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, and_, or_, select

from adapters.persistence.orm.benefits import applications, benefit_programs
from adapters.persistence.orm.messaging import outbox
from adapters.persistence.orm.residents import households
from application.ports.resident_records import ApplicationLine, MessageLine

__all__ = ["SqlResidentRecords"]


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def _text(payload: dict[str, Any]) -> str:
    messages = payload.get("messages") or []
    texts = [m.get("text") or m.get("alt_text") or "" for m in messages if isinstance(m, dict)]
    return " / ".join(t for t in texts if t)[:200]


class SqlResidentRecords:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def applications_of_household(self, household_number: str) -> Sequence[ApplicationLine]:
        a, p, h = applications.c, benefit_programs.c, households.c
        statement = (select(a.id, p.name, a.status, a.channel, a.amount, a.confirmed_at,
                            a.decided_at)
                     .join(benefit_programs, p.id == a.program_id)
                     .join(households, h.id == a.household_id)
                     .where(h.household_number == household_number).order_by(p.name))
        with self._engine.connect() as connection:
            return [ApplicationLine(application_id=row[0], program_name=row[1],
                                    status=_plain(row[2]), channel=row[3],
                                    amount_yen=getattr(row[4], "yen", row[4]),
                                    confirmed_at=row[5], decided_at=row[6])
                    for row in connection.execute(statement)]

    def messages_to(self, addresses: Sequence[tuple[str, str]], *,
                    limit: int = 30) -> Sequence[MessageLine]:
        if not addresses:
            return []
        o = outbox.c
        matches = or_(*(and_(o.channel == channel, o.recipient == address)
                        for channel, address in addresses))
        statement = (select(o.channel, o.status, o.payload, o.created_at, o.sent_at)
                     .where(matches).order_by(o.created_at.desc()).limit(limit))
        with self._engine.connect() as connection:
            return [MessageLine(channel=row[0], status=_plain(row[1]), text=_text(row[2] or {}),
                                created_at=row[3], sent_at=row[4])
                    for row in connection.execute(statement)]
