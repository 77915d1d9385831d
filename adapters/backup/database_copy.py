"""A consistent copy of the database into a file, and back.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies the file as one read
transaction sees it, while the app keeps writing. PostgreSQL: `pg_dump --format=custom` (one
snapshot) and `pg_restore` in a single transaction. The connection's password goes to the tools
in their environment (PGPASSWORD), never on a command line a `ps` would show."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import URL, make_url

from adapters.persistence.database import normalize_url

__all__ = ["DatabaseCopyFailed", "copy_sqlite", "dump_postgresql", "is_empty", "kind_of",
           "restore_postgresql", "sqlite_path"]


class DatabaseCopyFailed(Exception):
    """pg_dump or pg_restore failed, or is not installed; the message says why."""


def kind_of(database_url: str) -> str:
    """"sqlite" or "postgresql"."""
    return make_url(normalize_url(database_url)).get_backend_name()


def sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DatabaseCopyFailed("only a SQLite database in a file can be backed up or restored")
    return Path(database).resolve()


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database into `target` (an existing, empty file)."""
    if not source.is_file():
        raise DatabaseCopyFailed(f"there is no database at {source}")
    with closing(sqlite3.connect(source, timeout=30)) as live, \
            closing(sqlite3.connect(target)) as copy:
        live.execute("PRAGMA busy_timeout=30000")
        live.backup(copy)
        # The copy stands alone: one file, no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise DatabaseCopyFailed(f"{name} is not installed (PostgreSQL client tools, the same "
                                 "major version as the server or newer)")
    return found


def _environment(url: URL) -> dict[str, str]:
    """The connection for libpq's tools, as PG* variables (the password never on a command
    line)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {"PGHOST": url.host, "PGPORT": url.port, "PGUSER": url.username,
              "PGPASSWORD": url.password, "PGDATABASE": url.database}
    query = {k: v if isinstance(v, str) else v[-1] for k, v in url.query.items()}
    values.update({"PGSSLMODE": query.get("sslmode"), "PGAPPNAME": "madoguchi-backup"})
    if "host" in query:  # a Unix socket directory
        values["PGHOST"] = query["host"]
    environment.update({k: str(v) for k, v in values.items() if v not in (None, "")})
    return environment


def _run(command: list[str], url: URL) -> None:
    done = subprocess.run(command, env=_environment(url), capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()
        raise DatabaseCopyFailed(f"{Path(command[0]).name} failed: "
                                 f"{reason[-1] if reason else f'exit {done.returncode}'}")


def dump_postgresql(database_url: str, target: Path) -> None:
    """`pg_dump --format=custom` into `target`."""
    url = make_url(normalize_url(database_url))
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
          "--no-password", f"--file={target}"], url)


def restore_postgresql(database_url: str, source: Path, *, replace: bool) -> None:
    """`pg_restore` into the database in one transaction (all or nothing); `replace` drops
    the objects the dump holds before making them again."""
    url = make_url(normalize_url(database_url))
    command = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--no-password",
               "--exit-on-error", "--single-transaction", f"--dbname={url.database}"]
    if replace:
        command += ["--clean", "--if-exists"]
    _run([*command, str(source)], url)


def is_empty(engine: Engine) -> bool:
    """Whether the database holds no table yet (a fresh database, or a new SQLite file)."""
    return not inspect(engine).get_table_names()
