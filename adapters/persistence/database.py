"""Engines: SQLite (the embedded default) and PostgreSQL, set up the same way everywhere."""

from __future__ import annotations

import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

__all__ = ["make_engine", "normalize_url", "prepare_sqlite_file", "without_jit"]


def normalize_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def prepare_sqlite_file(database: str | None) -> None:
    """A new SQLite database file is made mode 600 in a directory made mode 700 (it holds the
    town's residents; SQLite gives its WAL and journal files the same mode)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    with suppress(FileExistsError):  # an existing database keeps the mode its operator gave it
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


CONNECT_TIMEOUT = 5  # seconds for a PostgreSQL server to answer (/readyz waits no longer)


# Each SQLite connection's page cache (SQLite's own default: 2 MiB). Pages are held only once
# read, so on a small town's file each connection holds at most the file's size; on a town of a
# million more of the indexes a registry import writes into stay in memory (ADR 0003, addendum:
# 263 -> 237 s, one run each), and a process may hold 64 MiB for each of its pooled connections
# (SQLAlchemy's pool for SQLite keeps 5, 15 at a peak).
SQLITE_CACHE_KIB = 64 * 1024


def make_engine(url: str, *, pool_size: int | None = None, max_overflow: int | None = None,
                pool_recycle: int | None = None, pool_timeout: int | None = None,
                sqlite_cache_kib: int = SQLITE_CACHE_KIB, **options: Any) -> Engine:
    """An engine whose errors never quote the values of a statement (`hide_parameters`: a
    refused row holds a resident's data, and errors are logged).

    On PostgreSQL the pool keeps `pool_size` connections, opens up to `max_overflow` more at a
    peak, waits `pool_timeout` seconds for one and replaces those older than `pool_recycle`
    seconds (0: never); None keeps SQLAlchemy's default. SQLite keeps its own pool, each
    connection with a page cache of `sqlite_cache_kib` KiB."""
    url = normalize_url(url)
    options.setdefault("hide_parameters", True)
    if make_url(url).get_backend_name() == "sqlite":
        prepare_sqlite_file(make_url(url).database)
        engine = create_engine(url, connect_args={"timeout": 30}, **options)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute(f"PRAGMA cache_size=-{int(sqlite_cache_kib)}")
            cursor.close()

        return engine
    pool = {"pool_size": pool_size, "max_overflow": max_overflow, "pool_timeout": pool_timeout,
            "pool_recycle": None if pool_recycle is None else (pool_recycle or -1)}
    options.update({name: value for name, value in pool.items() if value is not None})
    return create_engine(url, pool_pre_ping=True,
                         connect_args={"connect_timeout": CONNECT_TIMEOUT}, **options)


def without_jit(session: Session) -> None:
    """This transaction's statements run without PostgreSQL's JIT compiler (ADR 0075, 0076):
    for a statement over a whole town (the matching, a program's reach) the planner's cost
    passes `jit_above_cost`, and compiling it took longer than running it. `SET LOCAL` ends with
    the transaction, so it holds through a pooler in transaction mode and the pool's next user
    has the server's setting. Nothing on SQLite."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
