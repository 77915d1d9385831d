"""A first registry import writes its persons without the match keys' indexes and builds them
after (ADR 0085), on SQLite and PostgreSQL: what is written and found is the same, and however
an import ends, or was stopped, the indexes are there again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, select, text

from adapters.persistence import key_indexes, migrating
from adapters.persistence.orm.residents import residents
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.residents.importing_registry import (
    ImportRegistry,
    RegistryImportReport,
    import_registry,
)
from application.residents.match_keys import HmacMatchKeyer
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
KEYER = HmacMatchKeyer(b"k" * 32)
KEY_INDEXES = {"ix_residents_match_name_place", "ix_residents_match_person",
               "ix_residents_match_place", "ix_residents_match_reading"}


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _rows(numbers: range) -> Iterator[tuple[int, dict[str, Any]]]:
    for row, number in enumerate(numbers, 2):
        yield row, {"resident_number": str(number), "household_number": f"H{number}",
                    "relationship": "世帯主", "name": f"見本 {number}", "kana": "ミホン",
                    "date_of_birth": "1980-04-01", "sex": "1", "address": f"本町{number}",
                    "postal_code": "", "status": ""}


def _import(engine: Engine, numbers: range, *,
            uow_factory: Callable[[], SqlAlchemyUnitOfWork] | None = None,
            ids: str = "x") -> RegistryImportReport:
    return import_registry(ImportRegistry(full_extract=False), rows=lambda: _rows(numbers),
                           uow_factory=uow_factory or (lambda: _uow(engine)),
                           ids=SequentialIds(ids), clock=FakeClock(NOW), keyer=KEYER,
                           batch_size=2)


def _key_indexes(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return {index["name"] for index in inspect(connection).get_indexes("residents")
                } & KEY_INDEXES


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every statement the engine sends, in order."""
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


@pytest.fixture(autouse=True)
def restored(engine: Engine) -> Iterator[Engine]:
    """The shared test database gets its indexes back whatever the test did."""
    yield engine
    with engine.begin() as connection:
        key_indexes.build_all(connection)


def _first(statements: list[str], prefix: str) -> int:
    return next(i for i, statement in enumerate(statements) if statement.startswith(prefix))


def _last(statements: list[str], prefix: str) -> int:
    return max(i for i, statement in enumerate(statements) if statement.startswith(prefix))


def test_the_key_indexes_are_declared_by_the_schema_they_are_built_from() -> None:
    assert {str(index.name) for index in key_indexes.KEY_INDEXES} == KEY_INDEXES


def test_a_first_import_writes_the_persons_before_it_builds_the_key_indexes(
        engine: Engine, statements: list[str]) -> None:
    report = _import(engine, range(1, 8))  # four batches of persons
    assert report.written and report.created == 7, report.summary()
    dropped = _first(statements, "DROP INDEX")
    writes = [i for i, statement in enumerate(statements)
              if statement.startswith("INSERT INTO residents")]
    assert len(writes) == 4
    assert dropped < writes[0] and writes[-1] < _first(statements, "CREATE INDEX")
    assert sum(statement.startswith("CREATE INDEX") for statement in statements) == 4
    assert _key_indexes(engine) == KEY_INDEXES


def test_an_import_into_a_registry_with_persons_keeps_its_key_indexes(
        engine: Engine, statements: list[str]) -> None:
    _import(engine, range(1, 4))
    statements.clear()
    report = _import(engine, range(1, 6), ids="y")  # two new persons, three as they were
    assert (report.created, report.unchanged) == (2, 3)
    assert not any(statement.startswith(("DROP INDEX", "CREATE INDEX"))
                   for statement in statements)
    assert _key_indexes(engine) == KEY_INDEXES


def _failing(engine: Engine, error: Exception, *, then: Exception | None = None,
             ) -> Callable[[], SqlAlchemyUnitOfWork]:
    """Units of work of which the fourth (the sealer's, the indexes set aside, a batch
    written, this batch) raises `error`, and those after it `then`, if given."""
    opened = 0

    def unit() -> SqlAlchemyUnitOfWork:
        nonlocal opened
        opened += 1
        if opened == 4:
            raise error
        if opened > 4 and then is not None:
            raise then
        return _uow(engine)

    return unit


def test_a_first_import_that_fails_while_writing_still_builds_the_key_indexes(
        restored: Engine) -> None:
    with pytest.raises(ConnectionError):
        _import(restored, range(1, 8),
                uow_factory=_failing(restored, ConnectionError("the database went away")))
    assert _key_indexes(restored) == KEY_INDEXES
    with restored.connect() as connection:  # the batch before it is written, as before
        assert connection.execute(select(residents.c.resident_number)
                                  .order_by(residents.c.resident_number)
                                  ).scalars().all() == ["1", "2"]


def test_a_build_that_fails_after_the_writing_failed_does_not_hide_why_it_failed(
        restored: Engine) -> None:
    failing = _failing(restored, RuntimeError("the writing failed"),
                       then=LookupError("the database is still away"))  # the builds after it
    with pytest.raises(RuntimeError, match="the writing failed"):
        _import(restored, range(1, 8), uow_factory=failing)
    assert _key_indexes(restored) == set()  # left for the next import or `db upgrade`
    _import(restored, range(1, 8), ids="y")
    assert _key_indexes(restored) == KEY_INDEXES


class _StaleLook:
    """What another builder's look at the indexes saw: all but `ix_residents_match_person`."""

    def get_indexes(self, _table: str) -> list[dict[str, str]]:
        return [{"name": name} for name in KEY_INDEXES - {"ix_residents_match_person"}]


def test_a_key_index_someone_else_built_meanwhile_is_not_built_again(
        restored: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two builders at once (two imports ending together, an import and `db upgrade`)."""
    with restored.begin() as connection:  # the first builder has built it
        connection.execute(text("DROP INDEX ix_residents_match_person"))
        connection.execute(text("CREATE INDEX ix_residents_match_person "
                                "ON residents (match_person)"))
    monkeypatch.setattr(key_indexes, "inspect", lambda _bind: _StaleLook())
    with restored.begin() as connection:  # the second, who looked before that
        assert key_indexes.build(connection) == "ix_residents_match_person"
    monkeypatch.undo()
    assert _key_indexes(restored) == KEY_INDEXES


def test_key_indexes_an_import_was_stopped_before_building_come_back(
        restored: Engine) -> None:
    _import(restored, range(1, 4))
    with restored.begin() as connection:  # as a killed first import leaves them
        for name in ("ix_residents_match_person", "ix_residents_match_reading"):
            connection.execute(text(f"DROP INDEX {name}"))
    _import(restored, range(1, 5), ids="y")  # the registry holds persons: nothing set aside
    assert _key_indexes(restored) == KEY_INDEXES
    with restored.begin() as connection:
        connection.execute(text("DROP INDEX ix_residents_match_place"))
    migrating.upgrade(restored)  # `madoguchi db upgrade`
    assert _key_indexes(restored) == KEY_INDEXES
