"""The SMS tries that may have reached the provider without an answer, by idempotency key
(ADRs 0039, 0044).

A first try writes nothing here: the outbox row, claimed before the request and updated after
it, is the record (its SID is the row's provider reference, and status callbacks update the
row). Only a try that may have reached Twilio unanswered (a timeout, a 5xx, a dispatcher that
died while sending) is written: when it began ("attempted"), so later tries look among Twilio's
messages far enough back, and the SID once one is found or accepted, so a further try sends
nothing.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol

from attrs import define
from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.orm.messaging import sms_messages

__all__ = ["MemorySmsLedger", "SmsLedger", "SmsRecord", "SqlSmsLedger"]

_t = sms_messages


@define
class SmsRecord:
    key: str
    recipient: str
    body_digest: str
    status: str
    attempted_at: dt.datetime
    sid: str | None = None
    error_code: int | None = None


class SmsLedger(Protocol):
    def get(self, key: str) -> SmsRecord | None: ...
    def attempted(self, key: str, *, recipient: str, body_digest: str,
                  at: dt.datetime) -> SmsRecord | None:
        """Write a new key as attempted now (None), or return the key's earlier record."""
        ...
    def accepted(self, key: str, *, sid: str, status: str, at: dt.datetime) -> None: ...


class SqlSmsLedger:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self, key: str) -> SmsRecord | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(_t).where(_t.c.key == key)).first()
        return None if row is None else _record(row)

    def attempted(self, key: str, *, recipient: str, body_digest: str,
                  at: dt.datetime) -> SmsRecord | None:
        try:
            with self._engine.begin() as connection:
                connection.execute(insert(_t).values(
                    key=key, recipient=recipient, body_digest=body_digest, status="attempted",
                    attempted_at=at, updated_at=at))
        except IntegrityError:  # tried before: what became of it
            return self.get(key)
        return None

    def accepted(self, key: str, *, sid: str, status: str, at: dt.datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(update(_t).where(_t.c.key == key)
                               .values(sid=sid, status=status, updated_at=at))


def _record(row: object) -> SmsRecord:
    return SmsRecord(key=row.key, recipient=row.recipient,  # type: ignore[attr-defined]
                     body_digest=row.body_digest, status=row.status,  # type: ignore[attr-defined]
                     attempted_at=row.attempted_at, sid=row.sid,  # type: ignore[attr-defined]
                     error_code=row.error_code)  # type: ignore[attr-defined]


class MemorySmsLedger:
    """The same in memory: tests, benchmarks and the simulator's own town."""

    def __init__(self) -> None:
        self._records: dict[str, SmsRecord] = {}
        self._lock = threading.Lock()

    def get(self, key: str) -> SmsRecord | None:
        with self._lock:
            found = self._records.get(key)
            return None if found is None else _copy(found)

    def attempted(self, key: str, *, recipient: str, body_digest: str,
                  at: dt.datetime) -> SmsRecord | None:
        with self._lock:
            found = self._records.get(key)
            if found is None:
                self._records[key] = SmsRecord(key, recipient, body_digest, "attempted", at)
                return None
            return _copy(found)

    def accepted(self, key: str, *, sid: str, status: str, at: dt.datetime) -> None:
        with self._lock:
            found = self._records[key]
            found.sid, found.status = sid, status


def _copy(record: SmsRecord) -> SmsRecord:
    return SmsRecord(record.key, record.recipient, record.body_digest, record.status,
                     record.attempted_at, record.sid, record.error_code)
