"""Conditions on a list of values (SQLite and PostgreSQL): the same rows whatever the list's
length, and on PostgreSQL one statement text for every length (one array parameter, which the
driver parses once), ADR 0076."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, event, insert, select, update
from sqlalchemy.orm import Session

from adapters.persistence.many import one_of, pair_of
from adapters.persistence.orm.messaging import outbox
from application.messaging.outbox import OutboxStatus

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


def _outbox(engine: Engine, count: int) -> list[str]:
    ids = [f"m{n:031d}" for n in range(count)]  # as long as the column: 32
    with engine.begin() as connection:
        connection.execute(insert(outbox), [
            {"id": message_id, "channel": "line", "recipient": f"U{n:032x}",
             "payload": {"messages": []}, "created_at": NOW, "status": "pending",
             "attempts": 0, "last_error": "", "delivery_status": "sending", "version": 1}
            for n, message_id in enumerate(ids)])
    return ids


def test_one_of_finds_the_rows_named_and_no_others_for_a_short_and_a_long_list(
        engine: Engine) -> None:
    ids = _outbox(engine, 3_000)
    with Session(engine) as session:
        longer = ids[7] + "x" * 40  # longer than the column: it must not be cut to match
        for wanted in (ids[:3], ids[::2], ["no-such-id", ids[7]], [longer], [None, ids[3]], []):
            found = session.scalars(select(outbox.c.id)
                                    .where(one_of(session, outbox.c.id, wanted))).all()
            assert sorted(found) == sorted(set(wanted) & set(ids))  # type: ignore[arg-type]


def test_pair_of_changes_only_the_rows_still_at_the_version_read(engine: Engine) -> None:
    ids = _outbox(engine, 1_200)
    with Session(engine) as session:
        session.execute(update(outbox).where(outbox.c.id == ids[1]).values(version=2))
        read = [(message_id, 1) for message_id in ids]  # ids[1] was read before it moved on
        read.append((ids[1] + "x" * 40, 2))  # longer than the column: it matches nothing
        written = session.execute(
            update(outbox).where(pair_of(session, (outbox.c.id, outbox.c.version), read))
            .values(status="sending"))
        session.commit()

        assert written.rowcount == len(ids) - 1
        status = select(outbox.c.status)
        assert session.scalar(status.where(outbox.c.id == ids[1])) is OutboxStatus.PENDING
        assert session.scalar(status.where(outbox.c.id == ids[0])) is OutboxStatus.SENDING


def test_postgresql_gets_one_statement_text_whatever_the_list_length(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no arrays: it keeps IN (…)")
    ids = _outbox(engine, 1_000)
    sent: list[tuple[str, object]] = []

    def seen(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with Session(engine) as session:
            for wanted in (ids[:2], ids):
                session.scalars(select(outbox.c.id)
                                .where(one_of(session, outbox.c.id, wanted))).all()
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    statements = [s for s, _ in sent if "FROM outbox" in s]
    assert len(statements) == 2 and statements[0] == statements[1]
    assert all(len(p) == 1 for s, p in sent if "FROM outbox" in s)  # type: ignore[arg-type]
