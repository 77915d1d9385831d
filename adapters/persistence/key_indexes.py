"""The indexes of the persons' match keys, built after a town's first registry import instead
of during it (ADR 0085).

A registry file gives the match keys in no order (they are keyed hashes of each person's
facts), so each batch of an import writes into nearly every page of their four indexes, and
each batch's commit writes those pages out again: for a first import of a million, most of
what the database did. Into a registry that holds no person yet, the import writes without
them (`defer`) and then creates them (`build`), each one sort of the finished table. They
are not unique, so no rule of the data goes unchecked meanwhile; matching during the import
reads the growing table without them (the same results, more slowly).

`build` creates only those missing, one a call: at the end of every import that writes
(after such an import, however it ended) and in `madoguchi db upgrade`, for an import killed
before it built them. Both statements say `IF [NOT] EXISTS`: two builders at once (two imports
ending together, an import and `db upgrade`) do not fail on each other. On SQLite each
statement commits on its own (the driver begins transactions for data, not for the schema).
"""

from __future__ import annotations

from sqlalchemy import Connection, Index, inspect, select
from sqlalchemy.schema import CreateIndex, DropIndex

from adapters.persistence.orm.residents import residents

__all__ = ["KEY_INDEXES", "build", "build_all", "defer"]

KEY_INDEXES: tuple[Index, ...] = tuple(
    index for index in sorted(residents.indexes, key=lambda index: str(index.name))
    if [column.name for column in index.columns] in (
        ["match_person"], ["match_place"], ["match_reading"], ["match_name_place"]))


def defer(connection: Connection) -> bool:
    """Drops the key indexes when no person is stored yet; whether it did."""
    if connection.execute(select(residents.c.id).limit(1)).first() is not None:
        return False
    for index in KEY_INDEXES:
        connection.execute(DropIndex(index, if_exists=True))
    return True


def build(connection: Connection) -> str | None:
    """Creates one key index that is missing; its name, or None when none is."""
    present = {index["name"] for index in inspect(connection).get_indexes(residents.name)}
    for index in KEY_INDEXES:
        if index.name not in present:
            connection.execute(CreateIndex(index, if_not_exists=True))
            return str(index.name)
    return None


def build_all(connection: Connection) -> list[str]:
    """Creates every key index that is missing; their names."""
    built: list[str] = []
    while (name := build(connection)) is not None:
        built.append(name)
    return built
