"""The inbox as a queue of work (ADR 0062), in Core statements on their own connections: a
delivery's events stored in one multi-row `insert … on conflict do nothing` (SQLite and
PostgreSQL both have it), the pending events of a sender read in the order they came, and a
failed event's next try or its setting aside."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import re
from collections.abc import Iterator, Sequence
from typing import Any

import attrs
from sqlalchemy import (
    ColumnElement,
    Connection,
    Dialect,
    Engine,
    Insert,
    Update,
    and_,
    bindparam,
    exists,
    func,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from adapters.persistence.group_commit import GroupCommit
from adapters.persistence.orm.messaging import inbox
from adapters.persistence.sqlite_writers import turn
from application.channels.inbound import InboundEvent
from application.channels.inbox import PendingEvent
from application.ports.inbox_queue import Sender

__all__ = ["SqlInboxQueue", "pending_row"]

log = logging.getLogger(__name__)

_i = inbox.c
_PENDING = and_(_i.processed_at.is_(None), _i.failed_at.is_(None))


def pending_row(inbox_id: ColumnElement[str], *, in_turn: bool = True) -> ColumnElement[bool]:
    """The row `inbox_id`, still pending, found by its sender's entries of the pending index;
    `in_turn`: and no earlier event of its sender waits (the claim and the handled mark).

    Its sender is read by the primary key first (uncorrelated scalar subqueries, each run
    once, though the SQL names them again inside the NOT EXISTS), so both
    PostgreSQL and SQLite look the row up by (source, address) in `ix_inbox_pending`. With the
    id alone, PostgreSQL planned from statistics taken while nothing was pending and scanned
    the whole pending index for the id, once per claim and once per handled event: 4.8 ms
    each with 10,700 events pending, growing with the burst (ADR 0075)."""
    source, address = _sender_of(inbox_id)
    found = and_(_i.id == inbox_id, _i.source == source, _i.address == address, _PENDING)
    return and_(found, _no_earlier_pending(source, address)) if in_turn else found


def _sender_of(inbox_id: ColumnElement[str]) -> tuple[ColumnElement[str], ColumnElement[str]]:
    me = inbox.alias("me")
    return (select(me.c.source).where(me.c.id == inbox_id).scalar_subquery(),
            select(me.c.address).where(me.c.id == inbox_id).scalar_subquery())


def _no_earlier_pending(source: ColumnElement[str],
                        address: ColumnElement[str]) -> ColumnElement[bool]:
    """No event of the row's sender that came before it waits to be handled (a resident's
    events are handled in the order they came)."""
    earlier = inbox.alias("earlier")
    return ~exists().where(earlier.c.source == source, earlier.c.address == address,
                           earlier.c.processed_at.is_(None), earlier.c.failed_at.is_(None),
                           tuple_(earlier.c.received_at, earlier.c.id)
                           < tuple_(_i.received_at, _i.id))


class SqlInboxQueue:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sqlite = engine.dialect.name == "sqlite"
        self._stored_together = GroupCommit(self._insert_rows)  # deliveries of one moment
        try:  # at start-up: a SQLAlchemy that names or orders the binds otherwise fails here
            _statement_for(engine.dialect, 2)
            self._direct = True
        except RuntimeError:
            log.warning("the inbox's rows are written through SQLAlchemy's executemany: its "
                        "multi-row insert is not in the order written out here")
            self._direct = False

    @contextlib.contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A short write transaction; on SQLite in its turn with this process's other writers
        (adapters/persistence/sqlite_writers.py)."""
        with self._engine.connect() as connection, \
                (turn() if self._sqlite else contextlib.nullcontext()), connection.begin():
            yield connection

    @contextlib.contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One read statement; on PostgreSQL outside a transaction: no BEGIN before it and no
        ROLLBACK after, two round trips fewer for each of the three reads an event costs."""
        with self._engine.connect() as connection:
            yield (connection if self._sqlite
                   else connection.execution_options(isolation_level="AUTOCOMMIT"))

    def store(self, events: Sequence[InboundEvent], *, ids: Sequence[str],
              now: dt.datetime) -> list[str]:
        if not events:
            return []
        rows = [{"id": inbox_id, "source": event.channel, "external_id": event.external_id,
                 "received_at": now, "payload": {"kind": event.kind.value},
                 "address": event.address, "event": event.to_record(), "attempts": 0}
                for inbox_id, event in zip(ids, events, strict=True)]
        return self._stored_together.write(rows)

    def _insert_rows(self, rows: list[dict[str, object]]) -> list[str]:
        dialect = self._engine.dialect
        if len(rows) > _ONE_STATEMENT or not self._direct:
            with self._writing() as connection:
                return list(connection.execute(_insert(dialect.name), rows).scalars())
        sql, processors = _statement_for(dialect, len(rows))
        params = [value if process is None else process(value)
                  for row in rows for value, process in zip(
                      (row[name] for name in _STORED), processors, strict=True)]
        if self._sqlite:
            with self._writing() as connection:
                return list(connection.exec_driver_sql(sql, tuple(params)).scalars())
        # PostgreSQL: the statement is a transaction of its own, so no BEGIN and no COMMIT
        # are sent (two round trips fewer; durable as it returns)
        with self._engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            return list(connection.exec_driver_sql(sql, tuple(params)).scalars())

    def senders_of(self, ids: Sequence[str]) -> list[Sender]:
        if not ids:
            return []
        with self._reading() as connection:
            rows = connection.execute(select(_i.id, _i.source, _i.address)
                                      .where(_i.id.in_(list(ids)), _i.address.is_not(None),
                                             _PENDING))
            by_id = {row.id: (row.source, row.address) for row in rows}
        return list(dict.fromkeys(by_id[i] for i in ids if i in by_id))

    def due_senders(self, *, now: dt.datetime, limit: int) -> list[Sender]:
        first = func.min(_i.received_at)
        with self._reading() as connection:
            rows = connection.execute(
                select(_i.source, _i.address).where(_PENDING, _i.address.is_not(None))
                .group_by(_i.source, _i.address)
                # the oldest pending event of a sender decides: one waiting out a back-off
                # holds the sender's later events back
                .having(or_(func.max(_i.next_attempt_at).is_(None),
                            func.max(_i.next_attempt_at) <= now))
                .order_by(first).limit(limit))
            return [(row.source, row.address) for row in rows]

    def pending_of(self, sender: Sender, *, limit: int) -> list[PendingEvent]:
        with self._reading() as connection:
            rows = connection.execute(
                select(_i.id, _i.event, _i.attempts, _i.next_attempt_at, _i.received_at)
                .where(_i.source == sender[0], _i.address == sender[1], _PENDING)
                .order_by(_i.received_at, _i.id).limit(limit))
            return [PendingEvent(id=row.id, event=attrs.evolve(
                InboundEvent.from_record(row.event), received_at=row.received_at),
                                 attempts=row.attempts, next_attempt_at=row.next_attempt_at)
                    for row in rows]

    def claim(self, inbox_id: str, *, now: dt.datetime, until: dt.datetime) -> bool:
        with self._writing() as connection:
            if not self._sqlite:  # a lease lost in a server crash only lapses: no flush waited
                connection.exec_driver_sql("SET LOCAL synchronous_commit TO off")
            return connection.execute(_claim(), {"inbox_id": inbox_id, "now": now,
                                                 "until": until}).rowcount == 1

    def release(self, inbox_id: str) -> None:
        self._set(inbox_id, claimed_until=None)

    def retry_later(self, inbox_id: str, *, attempts: int, at: dt.datetime) -> None:
        self._set(inbox_id, attempts=attempts, next_attempt_at=at, claimed_until=None)

    def give_up(self, inbox_id: str, *, attempts: int, at: dt.datetime) -> None:
        self._set(inbox_id, attempts=attempts, failed_at=at, claimed_until=None)

    def backlog(self) -> int:
        with self._reading() as connection:
            return connection.execute(select(func.count()).select_from(inbox)
                                      .where(_PENDING, _i.address.is_not(None))).scalar_one()

    def _set(self, inbox_id: str, **values: object) -> None:
        with self._writing() as connection:
            connection.execute(update(inbox).where(pending_row(literal(inbox_id), in_turn=False))
                               .values(**values))


@functools.cache
def _claim() -> Update:
    """The lease on a pending event that no one holds, whose sender's earlier events are all
    handled: one worker at a time, in order."""
    return (update(inbox)
            .where(pending_row(bindparam("inbox_id")),
                   or_(_i.claimed_until.is_(None), _i.claimed_until <= bindparam("now")))
            .values(claimed_until=bindparam("until")))


_STORED = ("id", "source", "external_id", "received_at", "payload", "address", "event",
           "attempts")
_ONE_STATEMENT = 500  # rows (8 values each: within SQLite's 32,766 parameters)
_PYFORMAT = re.compile(r"%\((\w+)\)s")


@functools.lru_cache(maxsize=128)
def _statement_for(dialect: Dialect, rows: int) -> tuple[str, tuple[Any, ...]]:
    """`_insert` for this many rows as the driver's SQL, with each column's bind processor
    (the encryption of `event`, the JSON of `payload`, the dates), for `exec_driver_sql`:
    SQLAlchemy's own execution of the cached statement rebuilt every row's parameters
    through the compiled statement first (ADR 0079, as ADR 0063's addendum for the import)."""
    make = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    statement = (make(inbox).values([{name: bindparam(f"{name}_{n}", type_=_i[name].type)
                                      for name in _STORED} for n in range(rows)])
                 .on_conflict_do_nothing(index_elements=["source", "external_id"])
                 .returning(_i.id))
    compiled = statement.compile(dialect=dialect)
    order = [f"{name}_{n}" for n in range(rows) for name in _STORED]
    sql = compiled.string
    if not compiled.positional:  # pyformat (psycopg): each name once, in this order, as %s
        if _PYFORMAT.findall(sql) != order:
            raise RuntimeError("the multi-row insert's parameters are not in column order")
        sql = _PYFORMAT.sub("%s", sql)
    elif list(compiled.positiontup or ()) != order:
        raise RuntimeError("the multi-row insert's parameters are not in column order")
    processors = tuple(_i[name].type.dialect_impl(dialect).bind_processor(dialect)
                       for name in _STORED)
    return sql, processors


@functools.cache
def _insert(dialect: str) -> Insert:
    """`insert … on conflict (source, external_id) do nothing returning id`: a redelivery is
    no row. Executed with a list of rows, SQLAlchemy batches them into multi-row statements
    ("insertmanyvalues") and the statement is compiled once for every delivery."""
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (make(inbox).on_conflict_do_nothing(index_elements=["source", "external_id"])
            .returning(_i.id))
