"""Shared fixtures. Integration tests run on SQLite always and on PostgreSQL when
TEST_DATABASE_URL is set (one database per xdist worker, migrated once per session); an e2e or
browser test written for both databases runs on one of them (ADR 0082).

The suite is hermetic: no test sees the app's variables from the developer's environment
(`DATABASE_URL`, `MADOGUCHI_*`, …; only the `TEST_*` opt-ins), and a test that leaves a thread
running fails."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Dialect, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url

from adapters.crypto import FieldCipher, new_key
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine, normalize_url
from application import correlation
from entrypoints.config import RATE_LIMITS, Settings
from entrypoints.containers import Container, build_container, shutdown
from tests.support.isolation import is_app_variable, threads_left_behind
from tests.support.shared_templates import share_compiled_templates
from tests.support.url_builders import share_compiled_url_builders

TEST_KEY = new_key()
# Many tests sign in as every role from one test client: their apps count rate limits (one
# memory storage per app) but never reach them. tests/e2e/test_rate_limits.py uses the defaults.
GENEROUS_RATE_LIMITS = {name: "10000/minute" for name in RATE_LIMITS}
THREAD_GRACE_SECONDS = 5.0
share_compiled_url_builders()  # each test's app takes the URL builders compiled once
share_compiled_templates()  # and the templates compiled once
# Each e2e test leaves its app and container behind as cyclic garbage that outlives two young
# collections: with CPython's default thresholds (700, 10, 10) a worker ran a full collection of
# its whole heap every twenty tests, 0.2 s each and an eighth of an e2e module's time. With young
# collections fourteen times rarer, 750 e2e tests ran 3 full collections instead of 33.
gc.set_threshold(10_000, 10, 10)


@pytest.fixture(scope="session", autouse=True)
def _no_developer_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The developer's shell may point `DATABASE_URL` at a real database and `MADOGUCHI_*`,
    `LINE_*`… at real accounts: for the whole run (module fixtures, the command line through
    CliRunner, subprocesses) they are gone. Whatever still falls back on the default data
    directory (`./var`, the developer's demo town) lands in a temporary one instead."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [name for name in os.environ if is_app_variable(name)]:
            patch.delenv(name)
        patch.setenv("MADOGUCHI_DATA_DIR", str(tmp_path_factory.mktemp("default-data-dir")))
        yield


def _fail_on_threads_left(before: set[threading.Thread], what: str) -> None:
    left = threads_left_behind(before, grace=THREAD_GRACE_SECONDS)
    if left:
        names = ", ".join(sorted(f"{t.name} ({'daemon' if t.daemon else 'non-daemon'})"
                                 for t in left))
        pytest.fail(f"{what} left threads running: {names}. Stop what the test started "
                    "(entrypoints.containers.shutdown, server.shutdown(), pump.stop()).",
                    pytrace=False)


# Every thread a test (or a fixture) starts has ended once its teardown is over: daemon or not,
# app thread or server thread, a thread left behind can claim the next test's outbox message or
# answer on its port. Threads already running before the test (pytest-xdist's own, those of
# wider-scoped fixtures) are not the test's and are not counted.
@pytest.fixture(autouse=True)
def _no_thread_outlives_its_test(request: pytest.FixtureRequest) -> Iterator[None]:
    before = set(threading.enumerate())
    yield
    _fail_on_threads_left(before, request.node.nodeid)


@pytest.fixture(autouse=True)
def _no_request_id_left_bound() -> Iterator[None]:
    """Each test starts with no request id bound. A Flask test client's response is never
    closed, so the id its request bound stays in the test's context (gunicorn and werkzeug's
    server close every response, which unbinds it)."""
    token = correlation._current.set(None)
    yield
    with contextlib.suppress(ValueError):  # a test that ran in another context
        correlation._current.reset(token)


@pytest.fixture(scope="module", autouse=True)
def _no_thread_outlives_its_module(request: pytest.FixtureRequest) -> Iterator[None]:
    """The same for module fixtures (a seeded demo town, a browser)."""
    before = set(threading.enumerate())
    yield
    _fail_on_threads_left(before, f"module {request.module.__name__}")


@pytest.fixture(scope="session", autouse=True)
def _mappers() -> None:
    orm.start_mappers(FieldCipher([TEST_KEY]))


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _postgres_url() -> str | None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    url = make_url(normalize_url(base))
    # One database per checkout and xdist worker: two checkouts can run their suites at once.
    checkout = hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:6]
    name = f"madoguchi_test_{checkout}_{_worker()}"
    _on_server(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _on_server(url: URL, *statements: str) -> None:
    """Run statements on the server of `url` (its own database), outside a transaction."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    admin.dispose()


def _drop(database_url: str) -> None:
    """The session's PostgreSQL database, gone when the session ends (nothing outlives it)."""
    url = make_url(database_url)
    base = make_url(normalize_url(os.environ["TEST_DATABASE_URL"]))
    _on_server(base, f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')


BACKENDS = ["sqlite", "postgresql"]
# The tiers that walk the app as its users do: what differs between the databases lies below
# them, where the integration tier and the faults check it on both (ADR 0082).
ONE_DATABASE_TIERS = ("tests/e2e/", "tests/browser/")


@pytest.hookimpl(trylast=True)  # after `-k`/`-m`: a test they keep on SQLite only stays
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """With PostgreSQL set, an e2e or browser test written for both databases runs on
    PostgreSQL only, the stricter of the two (without it, its PostgreSQL run is skipped);
    one marked `both_databases` (threads racing: the databases lock differently) keeps both."""
    if not os.environ.get("TEST_DATABASE_URL"):
        return
    on_postgres = {_case(item) for item in items if _backend(item) == "postgresql"}
    twice = [item for item in items if _backend(item) == "sqlite"
             and _case(item) in on_postgres and not item.get_closest_marker("both_databases")
             and any(tier in item.nodeid for tier in ONE_DATABASE_TIERS)]
    if twice:
        dropped = set(map(id, twice))
        config.hook.pytest_deselected(items=twice)
        items[:] = [item for item in items if id(item) not in dropped]


def _backend(item: pytest.Item) -> str | None:
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("engine") if callspec is not None else None


def _case(item: pytest.Item) -> tuple[str, str]:
    """The test and its other parameters, whatever the database."""
    params = item.callspec.params  # type: ignore[attr-defined]
    return item.nodeid.split("[")[0], repr(sorted(
        (name, repr(value)) for name, value in params.items() if name != "engine"))


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    sqlite_path = tmp_path_factory.mktemp("db") / "madoguchi.db"
    return {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": _postgres_url()}


@pytest.fixture(scope="session")
def _migrated_engines(database_urls: dict[str, str | None]) -> Iterator[dict[str, Engine]]:
    engines = {}
    for backend, url in database_urls.items():
        if url is not None:
            engine = make_engine(url)
            migrating.upgrade(engine)
            engines[backend] = engine
    yield engines
    for engine in engines.values():
        engine.dispose()
    if database_urls["postgresql"] is not None:
        _drop(database_urls["postgresql"])


def _empty(engine: Engine) -> None:
    deletes = _deletes(engine.dialect)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":  # one round trip, not sixty (11 ms a test)
            connection.exec_driver_sql("; ".join(deletes))
        else:
            for delete in deletes:
                connection.exec_driver_sql(delete)


@functools.cache
def _deletes(dialect: Dialect) -> tuple[str, ...]:
    """DELETE of every table, those that refer to others first."""
    quote = dialect.identifier_preparer.quote
    return tuple(f"DELETE FROM {quote(table.name)}"
                 for table in reversed(orm.metadata.sorted_tables))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, _migrated_engines: dict[str, Engine]) -> Engine:
    """A migrated, empty database: SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""
    backend = request.param
    if backend not in _migrated_engines:
        pytest.skip("PostgreSQL tier: set TEST_DATABASE_URL to run it (.ci/run does)")
    engine = _migrated_engines[backend]
    _empty(engine)
    return engine


@pytest.fixture
def container(engine: Engine, tmp_path: Path) -> Iterator[Container]:
    """The real composition root on the test database, with jobs run in the caller."""
    settings = Settings.from_env({
        "MADOGUCHI_ENV": "test",
        "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY,
        "MADOGUCHI_TASK_QUEUE": "eager",
        "MADOGUCHI_TOWN_NAME": "試験町",
        **GENEROUS_RATE_LIMITS,
    })
    built = build_container(settings)
    built.engine.override(engine)
    built.password_hasher.override(_fast_hasher())
    yield built
    shutdown(built)
    built.unwire()
    built.reset_singletons()


def _fast_hasher():  # type: ignore[no-untyped-def]
    from adapters.passwords import Argon2PasswordHasher

    return Argon2PasswordHasher(time_cost=1, memory_cost=64)
