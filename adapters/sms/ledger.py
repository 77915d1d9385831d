"""What was handed to the SMS provider, by idempotency key (ADR 0039).

Twilio takes no idempotency key, so the adapter keeps its own: before a request the key is
written with the body's digest ("attempted"); once Twilio accepts, the message SID. A retry of a
key with a SID sends nothing. A key attempted without a SID (a timeout, a lost answer, a 5xx)
may or may not have reached Twilio: the adapter then looks for it among Twilio's recent messages
to that number before sending again. Status callbacks update the status by SID.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

from attrs import define
from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from adapters.persistence.orm.messaging import sms_messages

__all__ = ["MemorySmsLedger", "SmsLedger", "SmsRecord", "SqlSmsLedger", "later_status"]

_t = sms_messages
# Twilio's statuses in the order a message goes through them; callbacks can arrive out of order,
# so a status never goes back to an earlier one.
_RANK = {"attempted": 0, "accepted": 1, "queued": 1, "sending": 2, "sent": 3, "delivered": 4,
         "undelivered": 4, "failed": 4, "read": 5}


def later_status(current: str, reported: str) -> str:
    return reported if _RANK.get(reported, 0) >= _RANK.get(current, 0) else current


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
    def status_reported(self, sid: str, *, status: str, error_code: int | None,
                        at: dt.datetime) -> SmsRecord | None: ...
    def statuses(self, keys: Sequence[str]) -> dict[str, str]: ...


class SqlSmsLedger:
    """On PostgreSQL its writes do not wait for the disk (synchronous_commit off, for these
    transactions only): two writes per SMS otherwise cost more than the request to Twilio. WAL
    is flushed in order, so once the outbox records the outcome (a synchronous commit) the
    ledger's rows before it are on disk too; only a database crash in the fraction of a second
    before that loses a row, and the outbox then tries the message again (ADR 0039)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        with self._engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
            yield connection

    def get(self, key: str) -> SmsRecord | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(_t).where(_t.c.key == key)).first()
        return None if row is None else _record(row)

    def attempted(self, key: str, *, recipient: str, body_digest: str,
                  at: dt.datetime) -> SmsRecord | None:
        try:
            with self._writing() as connection:
                connection.execute(insert(_t).values(
                    key=key, recipient=recipient, body_digest=body_digest, status="attempted",
                    attempted_at=at, updated_at=at))
        except IntegrityError:  # tried before: what became of it
            return self.get(key)
        return None

    def accepted(self, key: str, *, sid: str, status: str, at: dt.datetime) -> None:
        with self._writing() as connection:
            connection.execute(update(_t).where(_t.c.key == key)
                               .values(sid=sid, status=status, updated_at=at))

    def status_reported(self, sid: str, *, status: str, error_code: int | None,
                        at: dt.datetime) -> SmsRecord | None:
        with self._engine.begin() as connection:
            row = connection.execute(select(_t).where(_t.c.sid == sid)
                                     .with_for_update()).first()
            if row is None:
                return None
            record = _record(row)
            record.status = later_status(record.status, status)
            record.error_code = error_code if error_code is not None else record.error_code
            connection.execute(update(_t).where(_t.c.sid == sid).values(
                status=record.status, error_code=record.error_code, updated_at=at))
        return record

    def statuses(self, keys: Sequence[str]) -> dict[str, str]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(_t.c.key, _t.c.status)
                                      .where(_t.c.key.in_(list(keys)))).all()
        return {row.key: row.status for row in rows}


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

    def status_reported(self, sid: str, *, status: str, error_code: int | None,
                        at: dt.datetime) -> SmsRecord | None:
        with self._lock:
            found = next((r for r in self._records.values() if r.sid == sid), None)
            if found is None:
                return None
            found.status = later_status(found.status, status)
            if error_code is not None:
                found.error_code = error_code
            return _copy(found)

    def statuses(self, keys: Sequence[str]) -> dict[str, str]:
        with self._lock:
            return {key: self._records[key].status for key in keys if key in self._records}


def _copy(record: SmsRecord) -> SmsRecord:
    return SmsRecord(record.key, record.recipient, record.body_digest, record.status,
                     record.attempted_at, record.sid, record.error_code)
