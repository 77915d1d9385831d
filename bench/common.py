"""Shared helpers for the benchmarks: processes on free ports, timing, percentiles, output."""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from adapters.persistence.database import make_engine, normalize_url
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.handlers import message_bus
from application.messaging.telling import ContactPolicy, Telling

ROOT = Path(__file__).resolve().parents[1]
DEV_SECRET = "madoguchi-development-channel-secret"
DEV_TOKEN = "madoguchi-development-access-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0) -> None:
    host, port = url.removeprefix("http://").split("/")[0].split(":")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, int(port)), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up within {timeout} s")


@contextlib.contextmanager
def process(args: Sequence[str], *, env: dict[str, str] | None = None,
            url: str | None = None, log: Path | None = None) -> Iterator[subprocess.Popen]:
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(list(args), cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=out, stderr=subprocess.STDOUT)
    try:
        if url:
            wait_for(url)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log:
            out.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def simulator(*, users: int, webhook_url: str | None = None, push_rate: int = 100_000,
              server: str = "waitress") -> Iterator[str]:
    """The LINE simulator in its own process (so it does not share our interpreter)."""
    port = free_port()
    code = (
        "from adapters.line.simulator.running import serve\n"
        f"serve('127.0.0.1', {port}, channel_secret={DEV_SECRET!r}, "
        f"access_token={DEV_TOKEN!r}, webhook_url={webhook_url!r}, users={users}, "
        f"push_rate={push_rate}, multicast_rate=100000, server={server!r}, echo=lambda s: None)"
    )
    url = f"http://127.0.0.1:{port}"
    with process([sys.executable, "-c", code], url=url):
        yield url


def call(base_url: str, method: str, path: str, body: Any = None) -> Any:
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    payload = None if body is None else json.dumps(body).encode()
    connection.request(method, path, body=payload,
                       headers={"Content-Type": "application/json"})
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return json.loads(data) if data else None


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of process `pid` and of its children still running (a
    gunicorn master and its workers), read from /proc (Linux); 0 for a process that is gone."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(entry) == pid or int(fields[1]) == pid:  # fields[1]: the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime in ticks
    return total / tick


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def report(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(name) for name, _ in rows)
    print(f"\n== {title}")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


def bus(*, ids: Any = None, clock: Any = None, banks: Any = None) -> Any:
    """The message bus as the app builds it, with its real handlers."""
    ids, clock = ids or TimeOrderedIds(), clock or SystemClock()
    return message_bus(telling=Telling(ContactPolicy(), ids, clock), ids=ids, clock=clock,
                       banks=banks, pay_url=lambda request_id: f"http://bench/pay/{request_id}")


def unit_of_work(sessions: Any, *, ids: Any = None, clock: Any = None,
                 banks: Any = None) -> Any:
    """A unit of work as the app builds it: with the message bus and its real handlers."""
    return SqlAlchemyUnitOfWork(sessions, bus(ids=ids, clock=clock, banks=banks))


def drain_outbox(database_url: str, drain: Any, args: tuple[Any, ...],
                 processes: int) -> tuple[float, dict[str, int]]:
    """Drain the seeded outbox with `processes` dispatcher processes each running
    `drain(database_url, *args)` (as a town runs one per web or worker process); returns the
    seconds the drain took and the outbox's counts by status after it."""
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    workers = [context.Process(target=drain, args=(database_url, *args))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    engine = make_engine(database_url)
    with unit_of_work(session_factory(engine)) as uow:
        counts = uow.queries.messages.outbox_counts()
    engine.dispose()
    return elapsed, {k.value: v for k, v in counts.items()}


# -- staff pages in process (bench/staff_lists.py, inbox_pages.py, case_reply.py) ----------------

STAFF_PASSWORD = "correct horse battery"


def bench_settings(url: str, data_dir: Path, **more: str) -> Any:
    """A town's settings for a benchmark: a fresh key, the given database, jobs run at once."""
    from adapters.crypto import new_key
    from entrypoints.config import Settings

    return Settings.from_env({
        "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(data_dir), "DATABASE_URL": url,
        "MADOGUCHI_DATA_KEYS": new_key(), "MADOGUCHI_TASK_QUEUE": "eager",
        "MADOGUCHI_TOWN_NAME": "計測町", **more})


def signed_in(app: Any, login: str = "bench", password: str = STAFF_PASSWORD) -> Any:
    """A test client of `app` signed in as the staff member `login`."""
    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    signed = client.post("/staff/login", data={"login_id": login, "password": password,
                                               "csrf_token": token})
    assert signed.status_code in (302, 303), signed.get_data(as_text=True)[:300]
    return client


def time_calls(call: Callable[[], Any], repeat: int) -> list[float]:
    """Seconds of each of `repeat` calls, after one to warm up."""
    call()
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        call()
        times.append(time.perf_counter() - began)
    return times


def page_call(client: Any, path: str, must: str) -> Callable[[], None]:
    """A GET of a staff page that must answer 200 and show `must`."""
    def get() -> None:
        response = client.get(path)
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and must in body, (path, response.status_code)
    return get


def settle(engine: Any) -> None:
    """As a town's database keeps itself after a bulk load (autovacuum on PostgreSQL):
    statistics for the planner, and PostgreSQL's visibility map, so that an index-only scan
    reads the index alone."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql"
                                else "ANALYZE"))


@contextlib.contextmanager
def scratch_postgres(database_url: str, prefix: str) -> Iterator[str]:
    """A PostgreSQL database of its own, created on the given one's server and dropped
    afterwards (even with a connection a killed run left): through the server's `postgres`
    database, so that the one given need not exist, or through the one given when a role may
    not reach `postgres`."""
    url = make_url(normalize_url(database_url))
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError:
        admin.dispose()
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def fresh_database(database_url: str | None, folder: Path, prefix: str) -> Iterator[str]:
    """One run's database: a new SQLite file in `folder`, or a PostgreSQL database of its own
    (`scratch_postgres`), so that no run finds another's rows."""
    if not database_url:
        yield f"sqlite:///{folder / f'{prefix}-{uuid.uuid4().hex[:8]}.db'}"
        return
    with scratch_postgres(database_url, prefix) as url:
        yield url
