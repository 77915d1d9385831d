"""Units of work for one long bulk write (the registry import, ADR 0081).

On a SQLite file they write through a connection of their own whose page cache is large: the
indexes a registry import writes into (its persons' match keys take keys in no order) then stay
in memory through a batch instead of being written out before its commit and read again. The
engine is disposed when the write ends, which closes its connection and hands its cache back
to the allocator; the process's other connections keep the ordinary cache
(`database.SQLITE_CACHE_KIB`). Writers still take turns with the rest of the process
(`sqlite_writers`). Elsewhere (PostgreSQL, whose cache is the server's; a SQLite database in
memory, which only its own engine sees; a URI filename, `file:…`, which may name one) the
ordinary units of work do it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

from sqlalchemy import Engine

from adapters.persistence.database import make_engine
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.messagebus import MessageBus
from application.ports.unit_of_work import UnitOfWork

__all__ = ["DEFAULT_CACHE_MIB", "bulk_units_of_work"]

# The bulk connection's page cache. Pages are held only once read: a town of a million holds
# about 1 GiB of the registry's tables and indexes at the end of a first import (ADR 0081).
DEFAULT_CACHE_MIB = 1024


@contextlib.contextmanager
def bulk_units_of_work(engine: Engine, units: Callable[[], UnitOfWork], *, bus: MessageBus,
                       cache_mib: int = DEFAULT_CACHE_MIB,
                       ) -> Iterator[Callable[[], UnitOfWork]]:
    """`units` are the ordinary units of work on `engine`; those yielded write the same
    database, on a SQLite file through an engine of their own whose connections have a page
    cache of `cache_mib` MiB (the import opens one unit of work at a time, so one
    connection), disposed when the block ends."""
    url = engine.url
    database = url.database or ""
    if (url.get_backend_name() != "sqlite" or database in ("", ":memory:")
            or database.startswith("file:")):
        yield units
        return
    bulk = make_engine(url.render_as_string(hide_password=False),
                       sqlite_cache_kib=cache_mib * 1024)
    sessions = session_factory(bulk)
    try:
        yield lambda: SqlAlchemyUnitOfWork(sessions, bus)
    finally:
        bulk.dispose()
