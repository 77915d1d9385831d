"""The city-sized topology's configuration agrees with the code (ADR 0066): every queue a task
is routed to is consumed by a worker of Procfile.city, `madoguchi worker --queues` consumes what
it is told, each process's pool is the one the settings give, and `madoguchi city check`
refuses what would not work."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from dependency_injector import providers
from sqlalchemy import Engine

from adapters.background.celery_queue import (
    DELIVER_OUTBOX_TASK,
    HANDLE_INBOUND_TASK,
    QUEUES,
    ROUTES,
    RUN_JOB_TASK,
    RUN_SCHEDULED_TASK,
    make_celery,
)
from entrypoints.cli import main
from entrypoints.cli.context import CliContext
from entrypoints.config import ConfigurationError, Settings
from entrypoints.containers import Container, build_container, shutdown
from entrypoints.pool_settings import pool_settings
from entrypoints.topology import PROCFILE, budget, read_procfile

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/15"  # never reached: nothing here sends


def _procfile(env: dict[str, str] | None = None) -> list[Any]:
    return read_procfile((ROOT / PROCFILE).read_text(), env or {})


def test_every_queue_a_task_is_routed_to_is_consumed_by_a_worker_of_the_procfile() -> None:
    app = make_celery(BROKER)
    ours = {name for name in app.tasks if name.startswith("madoguchi.")}
    consumed = {queue for entry in _procfile() for queue in entry.queues}

    assert ours <= set(ROUTES)  # no task of ours falls to the default queue unrouted
    assert {app.amqp.router.route({}, name)["queue"].name for name in ROUTES} <= consumed
    assert app.conf.task_default_queue in consumed
    assert set(QUEUES) == consumed == set(ROUTES.values())


def test_each_task_goes_to_its_own_queue_and_the_webhook_s_events_to_inbound() -> None:
    assert ROUTES == {RUN_JOB_TASK: "jobs", RUN_SCHEDULED_TASK: "jobs",
                      DELIVER_OUTBOX_TASK: "outbox", HANDLE_INBOUND_TASK: "inbound"}


def test_the_procfile_runs_gunicorn_with_its_settings_one_worker_a_queue_and_one_beat() -> None:
    entries = {entry.name: entry for entry in _procfile({"PORT": "8000"})}

    assert set(entries) == {"web", "jobs", "outbox", "inbound", "beat"}
    web = entries["web"]
    assert web.argv[:3] == ("gunicorn", "-c", "python:entrypoints.gunicorn_conf")
    assert web.argv[-1] == "entrypoints.wsgi:app"
    assert web.option("--worker-class", "") == "gthread"
    assert web.option("--bind", "") == "127.0.0.1:8000"
    assert [entry.queues for entry in entries.values() if entry.queues] == [
        ("jobs",), ("outbox",), ("inbound",)]
    assert sum(entry.is_beat for entry in entries.values()) == 1


def test_the_procfile_s_counts_come_from_the_environment_with_defaults() -> None:
    plain = {entry.name: entry for entry in _procfile()}
    told = {entry.name: entry for entry in _procfile({"MADOGUCHI_WEB_WORKERS": "4",
                                                      "MADOGUCHI_OUTBOX_CONCURRENCY": "9"})}

    assert plain["web"].processes == 2 and told["web"].processes == 4
    assert plain["outbox"].option("--concurrency", "") == "4"
    assert told["outbox"].option("--concurrency", "") == "9"
    assert budget(_procfile(), per_process=10, max_connections=100, reserved=8).needed == 60


def test_the_pool_settings_are_read_from_the_environment_with_per_process_defaults() -> None:
    assert pool_settings({}) == {"db_pool_size": 5, "db_max_overflow": 10,
                                 "db_pool_recycle": 1800, "db_pool_timeout": 30,
                                 "import_cache_mib": 1024}
    assert pool_settings({"MADOGUCHI_DB_POOL_SIZE": "3", "MADOGUCHI_DB_MAX_OVERFLOW": "0",
                          "MADOGUCHI_DB_POOL_RECYCLE": "0"})["db_max_overflow"] == 0
    with pytest.raises(ConfigurationError, match="MADOGUCHI_DB_POOL_SIZE must be a whole"):
        Settings.from_env({"MADOGUCHI_ENV": "test", "MADOGUCHI_DB_POOL_SIZE": "0",
                           "MADOGUCHI_DATA_KEYS": "k"})
    assert Settings.from_env({"MADOGUCHI_ENV": "test", "MADOGUCHI_IMPORT_CACHE_MIB": "256",
                              "MADOGUCHI_DATA_KEYS": "k"}).import_cache_mib == 256
    with pytest.raises(ConfigurationError, match="MADOGUCHI_IMPORT_CACHE_MIB must be a whole"):
        Settings.from_env({"MADOGUCHI_ENV": "test", "MADOGUCHI_IMPORT_CACHE_MIB": "1GB",
                           "MADOGUCHI_DATA_KEYS": "k"})


def test_the_engine_of_each_process_has_the_pool_the_settings_give(engine: Engine,
                                                                   tmp_path: Path) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the pool settings are PostgreSQL's (SQLite's file keeps its own pool)")
    from tests.conftest import TEST_KEY

    built = build_container(Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY, "MADOGUCHI_TASK_QUEUE": "eager",
        "MADOGUCHI_DB_POOL_SIZE": "3", "MADOGUCHI_DB_MAX_OVERFLOW": "2",
        "MADOGUCHI_DB_POOL_RECYCLE": "600", "MADOGUCHI_DB_POOL_TIMEOUT": "7"}))
    try:
        pool = built.engine().pool
        assert (pool.size(), pool._max_overflow, pool._recycle, pool._timeout) == (3, 2, 600, 7)
    finally:
        built.engine().dispose()
        shutdown(built)


class _Celery:
    def __init__(self) -> None:
        self.argv: list[str] = []

    def worker_main(self, argv: list[str]) -> None:
        self.argv = argv


def _worker(monkeypatch: pytest.MonkeyPatch, container: Container, *args: str) -> Any:
    celery = _Celery()
    container.celery_app.override(providers.Object(celery))
    monkeypatch.setattr(CliContext, "container", property(lambda self: container))
    try:
        result = CliRunner().invoke(main, ["worker", *args])
    finally:
        container.celery_app.reset_override()
    return result, celery.argv


def test_a_worker_consumes_the_queues_it_is_told_with_its_concurrency(
        monkeypatch: pytest.MonkeyPatch, container: Container) -> None:
    result, argv = _worker(monkeypatch, container, "--queues", "jobs,inbound",
                           "--concurrency", "3")

    assert result.exit_code == 0, result.output
    assert "--queues=jobs,inbound" in argv and "--concurrency=3" in argv


def test_a_worker_consumes_every_queue_unless_told() -> None:
    from entrypoints.cli.serve import worker

    option = next(p for p in worker.params if p.name == "queues")
    assert option.default == "jobs,outbox,inbound"


def test_a_worker_refuses_a_queue_nothing_is_routed_to(
        monkeypatch: pytest.MonkeyPatch, container: Container) -> None:
    result, argv = _worker(monkeypatch, container, "--queues", "jobs,celery")

    assert result.exit_code == 2 and "celery: the queues are jobs, outbox, inbound" in result.output
    assert argv == []


def test_the_city_check_refuses_sqlite_with_what_to_set(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'town.db'}")

    result = CliRunner().invoke(main, ["city", "check", "--procfile", str(ROOT / PROCFILE)])

    assert result.exit_code == 1
    assert "needs PostgreSQL" in result.output and "DATABASE_URL=postgresql://" in result.output
    assert not (tmp_path / "town.db").exists()  # refused before anything was made


def _city_check(monkeypatch: pytest.MonkeyPatch, engine: Engine, tmp_path: Path,
                **env: str) -> Any:
    if engine.dialect.name != "postgresql" or not os.environ.get("TEST_REDIS_URL"):
        pytest.skip("the city check reads PostgreSQL's max_connections and pings Redis: set "
                    "TEST_DATABASE_URL and TEST_REDIS_URL")
    from tests.conftest import TEST_KEY

    for name, value in {"MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
                        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
                        "MADOGUCHI_DATA_KEYS": TEST_KEY, "MADOGUCHI_TASK_QUEUE": "celery",
                        "CELERY_BROKER_URL": os.environ["TEST_REDIS_URL"], **env}.items():
        monkeypatch.setenv(name, value)
    return CliRunner().invoke(main, ["city", "check", "--procfile", str(ROOT / PROCFILE)])


def test_the_city_check_sums_the_connections_of_every_process(
        monkeypatch: pytest.MonkeyPatch, engine: Engine, tmp_path: Path) -> None:
    result = _city_check(monkeypatch, engine, tmp_path)

    assert result.exit_code == 0, result.output
    assert "6 processes x 15 connections" in result.output and result.output.endswith("ok\n")


def test_the_city_check_refuses_pools_beyond_max_connections(
        monkeypatch: pytest.MonkeyPatch, engine: Engine, tmp_path: Path) -> None:
    result = _city_check(monkeypatch, engine, tmp_path, MADOGUCHI_DB_POOL_SIZE="200")

    assert result.exit_code == 1 and "the pools do not fit: 6 processes x 210" in result.output
