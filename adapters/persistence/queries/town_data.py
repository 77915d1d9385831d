"""The town's export on the database (ADR 0035): every file of `town_files.TOWN_FILES` read
in one consistent state, decrypted by the column types, in chunks."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from adapters.persistence.queries.town_files import TOWN_FILES, TownFileSpec
from application.ports.queries import TownCell, TownFile

__all__ = ["SqlTownDataQueries"]

_BY_NAME = {spec.file.name: spec for spec in TOWN_FILES}


class SqlTownDataQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def hold_snapshot(self) -> None:
        """PostgreSQL: a REPEATABLE READ transaction (its snapshot is taken by the first
        statement). SQLite: the driver opens no transaction for reads, so each statement would
        see the newest state; an explicit BEGIN and a first read hold one state (WAL keeps it
        for this reader while others write)."""
        if self.session.get_bind().dialect.name == "postgresql":
            self.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        else:
            self.session.execute(text("BEGIN"))
        self.session.execute(text("SELECT count(*) FROM audit_head"))

    def files(self) -> Sequence[TownFile]:
        return [spec.file for spec in TOWN_FILES]

    def count(self, name: str) -> int:
        table = _BY_NAME[name].table
        return int(self.session.execute(select(func.count()).select_from(table)).scalar_one())

    def rows(self, name: str, *, chunk: int = 1000) -> Iterator[tuple[TownCell, ...]]:
        spec = _BY_NAME[name]
        yield from _rows(self.session, spec, chunk)


def _rows(session: Session, spec: TownFileSpec, chunk: int) -> Iterator[tuple[TownCell, ...]]:
    fields = spec.fields
    statement = (select(*(f.source.label(f"c{i}") for i, f in enumerate(fields)))
                 .select_from(spec.source).order_by(*spec.order)
                 .execution_options(yield_per=chunk))  # a server-side cursor on PostgreSQL
    for row in session.execute(statement):
        yield tuple(cell for f, value in zip(fields, row, strict=True) for cell in f.cells(value))
