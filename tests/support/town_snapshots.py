"""The every-route town (tests/support/every_route_town.py) is seeded through the use cases, about
a quarter of a second on SQLite and half a second on PostgreSQL, and some 375 tests on each
database start from it. The first test of a database seeds it; the next ones, while the town is
less than a minute old, get its rows copied back into their own emptied database (and the fake
payment provider's payments into their own container's; the town's tests give every container
one match key). Each test still starts alone from the same town, as if just seeded; a town
older than a minute is seeded again, so no test sees timestamps much older than a seed of its
own would leave."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable
from typing import Any, TypeVar

from attrs import frozen
from sqlalchemy import Engine, Table, select

from adapters.payments.fake import FakePaymentGateway
from adapters.persistence import orm
from entrypoints.containers import Container

__all__ = ["seeded"]

FRESH_FOR = 60.0  # seconds a seeded town is copied rather than seeded again

T = TypeVar("T")
_Rows = list[tuple[Table, list[dict[str, Any]]]]


@frozen
class _Snapshot:
    town: Any
    rows: _Rows
    payments: tuple[dict[str, Any], dict[str, Any]] | None  # the fake provider's, or None
    taken: float  # time.monotonic()


_taken: dict[str, _Snapshot] = {}  # by seed and database


def seeded(container: Container, seed: Callable[[Container], T]) -> T:
    """`seed(container)`'s town: seeded now, or copied from the last seed on this database."""
    engine = container.engine()
    key = f"{seed.__module__}.{seed.__qualname__} on {engine.url.render_as_string()}"
    snapshot = _taken.get(key)
    if snapshot is None or time.monotonic() - snapshot.taken > FRESH_FOR:
        town = seed(container)
        _taken[key] = _Snapshot(town=town, rows=_rows(engine),
                                payments=_payments_of(container), taken=time.monotonic())
        return town
    _write(engine, snapshot.rows)
    gateway = container.payment_gateway()
    if snapshot.payments is not None and isinstance(gateway, FakePaymentGateway):
        gateway._by_reference, gateway._by_id = copy.deepcopy(snapshot.payments)
    return snapshot.town  # type: ignore[no-any-return]


def _rows(engine: Engine) -> _Rows:
    with engine.connect() as connection:
        return [(table, [dict(row) for row in connection.execute(select(table)).mappings()])
                for table in orm.metadata.sorted_tables]


def _write(engine: Engine, rows: _Rows) -> None:
    with engine.begin() as connection:
        for table, table_rows in rows:  # into the test's emptied database, as a seed is
            if table_rows:
                connection.execute(table.insert(), table_rows)


def _payments_of(container: Container) -> tuple[dict[str, Any], dict[str, Any]] | None:
    gateway = container.payment_gateway()
    if not isinstance(gateway, FakePaymentGateway):
        return None
    return copy.deepcopy((gateway._by_reference, gateway._by_id))
