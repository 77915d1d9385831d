"""The audit trail on the database: rows appended in the unit of work's transaction, chained
by hash, with a one-row head that appenders lock in turn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from adapters.persistence.orm.audit import audit_head, audit_log
from adapters.persistence.sqlite_writers import take_turn
from application.audit.chain import record_hash
from application.ports.audit import GENESIS_HASH, AuditEntry, AuditQuery, AuditRecord

__all__ = ["SqlAuditTrail"]

_HEAD = 1


class SqlAuditTrail:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.tracked: set[Any] = set()

    def append(self, entry: AuditEntry, *, at: dt.datetime) -> AuditRecord:
        self._take_turn()
        seq, prev_hash = self._locked_head()
        seq += 1
        fields = {"seq": seq, "at": at, "actor_id": entry.actor_id,
                  "actor_label": entry.actor_label, "action": entry.action,
                  "target_type": entry.target_type, "target_id": entry.target_id,
                  "ip": entry.ip[:64], "detail": dict(entry.detail), "prev_hash": prev_hash}
        digest = record_hash(**fields)
        self.session.execute(insert(audit_log).values(**fields, hash=digest))
        self.session.execute(update(audit_head).where(audit_head.c.id == _HEAD)
                             .values(seq=seq, hash=digest))
        return AuditRecord(**fields, hash=digest)

    def _take_turn(self) -> None:
        """SQLite: join the writers' queue of this process first (as a flush would), so that no
        thread holds SQLite's lock while waiting for the queue."""
        if self.session.get_bind().dialect.name == "sqlite":
            take_turn(self.session)

    def _locked_head(self) -> tuple[int, str]:
        # An UPDATE first: it takes the row lock (PostgreSQL) or the write lock (SQLite), so the
        # head read next is the newest and stays so until this transaction ends.
        touched = self.session.execute(
            update(audit_head).where(audit_head.c.id == _HEAD).values(seq=audit_head.c.seq))
        if touched.rowcount == 0:  # the first record ever (or a lost head): make the head row
            last = self.session.execute(
                select(audit_log.c.seq, audit_log.c.hash).order_by(audit_log.c.seq.desc())
                .limit(1)).first()
            seq, digest = (last.seq, last.hash) if last else (0, GENESIS_HASH)
            dialect = self.session.get_bind().dialect.name
            make = postgresql.insert if dialect == "postgresql" else sqlite.insert
            self.session.execute(make(audit_head).values(id=_HEAD, seq=seq, hash=digest)
                                 .on_conflict_do_nothing())
            self.session.execute(update(audit_head).where(audit_head.c.id == _HEAD)
                                 .values(seq=audit_head.c.seq))
        row = self.session.execute(
            select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == _HEAD)).one()
        return row.seq, row.hash

    def search(self, query: AuditQuery) -> Sequence[AuditRecord]:
        statement = select(audit_log)
        c = audit_log.c
        if query.actor_label:
            statement = statement.where(c.actor_label == query.actor_label)
        if query.action:
            statement = statement.where(c.action == query.action)
        if query.target_type:
            statement = statement.where(c.target_type == query.target_type)
        if query.target_id:
            statement = statement.where(c.target_id == query.target_id)
        if query.since is not None:
            statement = statement.where(c.at >= query.since)
        if query.until is not None:
            statement = statement.where(c.at < query.until)
        if query.before_seq is not None:
            statement = statement.where(c.seq < query.before_seq)
        if query.after_seq is not None:  # the page before: the oldest newer ones, newest first
            statement = statement.where(c.seq > query.after_seq)
            rows = self.session.execute(statement.order_by(c.seq).limit(query.limit))
            return [_record(row) for row in rows][::-1]
        rows = self.session.execute(statement.order_by(c.seq.desc()).limit(query.limit))
        return [_record(row) for row in rows]

    def in_order(self, *, after_seq: int, limit: int) -> Sequence[AuditRecord]:
        rows = self.session.execute(select(audit_log).where(audit_log.c.seq > after_seq)
                                    .order_by(audit_log.c.seq).limit(limit))
        return [_record(row) for row in rows]

    def head(self) -> tuple[int, str]:
        row = self.session.execute(select(audit_head.c.seq, audit_head.c.hash)
                                   .where(audit_head.c.id == _HEAD)).first()
        return (row.seq, row.hash) if row else (0, GENESIS_HASH)


def _record(row: Any) -> AuditRecord:
    return AuditRecord(seq=row.seq, at=row.at, actor_id=row.actor_id,
                       actor_label=row.actor_label, action=row.action,
                       target_type=row.target_type, target_id=row.target_id, ip=row.ip,
                       detail=row.detail, prev_hash=row.prev_hash, hash=row.hash)
