"""Reading integrity errors the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

__all__ = ["constraint_name", "is_unique_violation"]


def is_unique_violation(error: IntegrityError) -> bool:
    sqlstate = getattr(error.orig, "sqlstate", None)  # psycopg
    if sqlstate is not None:
        return sqlstate == "23505"
    return "UNIQUE constraint failed" in str(error.orig)  # sqlite3


def constraint_name(error: IntegrityError) -> str:
    """The violated constraint's name (PostgreSQL), or the message naming the table and columns
    (SQLite: "UNIQUE constraint failed: inbox.source, inbox.external_id")."""
    diag = getattr(error.orig, "diag", None)
    name = getattr(diag, "constraint_name", None)
    return name or str(error.orig)
