"""Conditions on a list of values (a page of ids, a dispatcher's batch) that PostgreSQL receives
as one array parameter, not one parameter a value (ADR 0076).

`column IN (:v1, :v2, …)` makes a new statement text for each length of the list, and psycopg
parses a text again (its cache keeps only short statements with few parameters): for a page of
a thousand ids that was 10 ms of the caller's CPU every time. `column = ANY(:values)` is one
text whatever the length. SQLite keeps `IN` (it has no arrays).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, String, any_, bindparam, func, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

__all__ = ["one_of", "pair_of"]


def _arrays(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _array(column: ColumnElement[Any], values: list[Any]) -> Any:
    """An array of the column's type; a string column's without its length, which PostgreSQL
    would cut each value to (`'…'::VARCHAR(32)[]`): a longer value must match nothing, as with
    `IN`."""
    item = String() if type(column.type) is String else column.type
    return bindparam(None, values, type_=ARRAY(item))


def one_of(session: Session, column: ColumnElement[Any],
           values: Iterable[Any]) -> ColumnElement[bool]:
    """`column` is one of `values`."""
    values = list(values)
    if _arrays(session):
        return column == any_(_array(column, values))
    return column.in_(values)


def pair_of(session: Session, columns: tuple[ColumnElement[Any], ColumnElement[Any]],
            pairs: Iterable[tuple[Any, Any]]) -> ColumnElement[bool]:
    """The two `columns` together are one of `pairs` (a row's id with the version it was read
    at)."""
    pairs = list(pairs)
    first, second = columns
    if _arrays(session):
        listed = (func.unnest(_array(first, [a for a, _ in pairs]),
                              _array(second, [b for _, b in pairs]))
                  .table_valued("a", "b").render_derived())
        return tuple_(first, second).in_(select(listed.c.a, listed.c.b))
    return tuple_(first, second).in_(pairs)
