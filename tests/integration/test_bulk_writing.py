"""A bulk write's own units of work (ADR 0081): on a SQLite file, one connection with a large
page cache that writes the same database and is closed when the write ends; elsewhere the
ordinary units of work."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from adapters.persistence import bulk_writing, migrating
from adapters.persistence.bulk_writing import bulk_units_of_work
from adapters.persistence.database import SQLITE_CACHE_KIB, make_engine
from adapters.persistence.orm.residents import residents
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.jobs.job import JobStatus
from application.jobs.running import start_job
from application.ports.unit_of_work import UnitOfWork
from domain.residents import RegistryStatus, VerificationState
from entrypoints.containers import Container
from entrypoints.jobs import IMPORT_REGISTRY
from tests.fakes import message_bus_on

pytestmark = pytest.mark.integration


def _ordinary(engine: Engine):  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    return lambda: SqlAlchemyUnitOfWork(sessions, message_bus_on())


def _cache_kib(uow: UnitOfWork) -> int:
    assert isinstance(uow, SqlAlchemyUnitOfWork) and uow.session is not None
    return -uow.session.connection().exec_driver_sql("PRAGMA cache_size").scalar_one()


def _add_resident(uow: UnitOfWork, number: str) -> None:
    assert isinstance(uow, SqlAlchemyUnitOfWork) and uow.session is not None
    uow.session.execute(residents.insert().values(
        id=f"id-{number}", resident_number=number, registry_status=RegistryStatus.RESIDENT,
        verification_state=VerificationState.UNVERIFIED))
    uow.commit()


def test_on_a_sqlite_file_the_bulk_write_has_a_cache_of_its_own_and_writes_the_same_file(
        tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'town.db'}")
    migrating.upgrade(engine)
    units = _ordinary(engine)
    try:
        with bulk_units_of_work(engine, units, bus=message_bus_on(), cache_mib=300) as bulk:
            assert bulk is not units
            with bulk() as uow:
                assert _cache_kib(uow) == 300 * 1024
                _add_resident(uow, "0001")
                connection = uow.session.connection().connection.dbapi_connection  # type: ignore[union-attr]
            with units() as uow:
                assert _cache_kib(uow) == SQLITE_CACHE_KIB  # the others keep theirs
        with engine.connect() as reading:
            assert reading.execute(select(func.count()).select_from(residents)).scalar() == 1
        with pytest.raises(sqlite3.ProgrammingError):  # closed: its cache is freed
            connection.execute("SELECT 1")  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_the_bulk_connection_is_closed_even_when_the_write_fails(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'town.db'}")
    migrating.upgrade(engine)
    try:
        with pytest.raises(RuntimeError), bulk_units_of_work(
                engine, _ordinary(engine), bus=message_bus_on()) as bulk:
            with bulk() as uow:
                connection = uow.session.connection().connection.dbapi_connection  # type: ignore[union-attr]
            raise RuntimeError("the import failed")
        with pytest.raises(sqlite3.ProgrammingError):
            connection.execute("SELECT 1")  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_elsewhere_the_ordinary_units_of_work_do_the_bulk_write(engine: Engine) -> None:
    """PostgreSQL keeps its cache in the server; a SQLite database in memory is seen only by
    its own engine."""
    memory = make_engine("sqlite://")
    try:
        for database in ([engine] if engine.dialect.name == "postgresql" else []) + [memory]:
            units = _ordinary(database)
            with bulk_units_of_work(database, units, bus=message_bus_on()) as bulk:
                assert bulk is units
    finally:
        memory.dispose()


REGISTRY = ("宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,住所,郵便番号,異動区分\n"
            "0000001,H01,世帯主,見本　一郎,ミホン イチロウ,1970-01-02,男,見本町1-1,,\n"
            "0000002,H01,妻,見本　花子,ミホン ハナコ,1972-03-04,女,見本町1-1,,\n")


def test_the_registry_import_job_writes_through_the_bulk_units(
        container: Container, engine: Engine, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[dict[str, int]] = []
    real = bulk_writing.make_engine

    def recorded(url: str, **options: int) -> Engine:
        made.append(options)
        return real(url, **options)

    monkeypatch.setattr(bulk_writing, "make_engine", recorded)
    extract = tmp_path / "registry.csv"
    extract.write_text(REGISTRY, encoding="utf-8")

    job_id = start_job(IMPORT_REGISTRY, {"path": str(extract), "full_extract": False},
                       uow=container.uow(), queue=container.job_queue(),
                       catalog=container.job_catalog(), ids=container.ids(),
                       clock=container.clock())

    with container.uow() as uow:
        job = uow.jobs.get(job_id)
    assert job is not None and job.status is JobStatus.SUCCEEDED, job and job.error
    assert (job.progress_done, job.progress_total, job.result["created"]) == (2, 2, 2)
    expected = [] if engine.dialect.name == "postgresql" else [{"sqlite_cache_kib": 1024 * 1024}]
    assert made == expected
