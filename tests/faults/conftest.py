"""The fault tier: the real processes (the app under gunicorn, the dispatcher, the LINE
simulator), one of them killed with SIGKILL at a random point, restarted, and the invariant
checked in the database and on the simulated phones.

Each test gets a fresh database (a SQLite file; a PostgreSQL database of its own when
TEST_DATABASE_URL is set, dropped afterwards), migrated here, and builds the environment of
its processes from nothing: the developer's `DATABASE_URL`, `MADOGUCHI_*`… never reach them.
Every process runs in its own process group and is killed (the group, SIGKILL) at teardown,
whatever happened. The random points come from one seed, printed: TEST_FAULT_SEED=<seed>
replays a run."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from adapters.crypto import FieldCipher
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine, normalize_url
from entrypoints.config import DEV_LINE_SECRET, DEV_LINE_TOKEN
from tests.conftest import TEST_KEY
from tests.e2e.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.faults)


# the seed


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    """Where to kill: seeded from TEST_FAULT_SEED, or a fresh seed that is printed (a failing
    run says how to repeat it)."""
    seed = int(os.environ.get("TEST_FAULT_SEED") or random.SystemRandom().randrange(10**9))
    print(f"\n[faults] {request.node.name}: seed {seed} (TEST_FAULT_SEED={seed} repeats it)")
    return random.Random(seed)


def report(what: str, **counts: Any) -> None:
    """One line of what a test did and found, in the test's output (`-s` or on failure)."""
    print(f"[faults] {what}: " + ", ".join(f"{k}={v}" for k, v in counts.items()), flush=True)


# the database


def _checkout() -> str:
    return hashlib.sha1(str(ROOT).encode()).hexdigest()[:6]


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database for this test alone."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'madoguchi.db'}"
        _migrate(url)
        yield url
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("PostgreSQL tier: set TEST_DATABASE_URL to run it (.ci/run does)")
    server = make_url(normalize_url(base))
    name = f"madoguchi_faults_{_checkout()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        _migrate(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _migrate(url: str) -> None:
    engine = make_engine(url)
    try:
        migrating.upgrade(engine)
    finally:
        engine.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """The test's own connection to the processes' database (seeding and checks), writing with
    the processes' key: the process's data cipher is global, and a test before this one in the
    same worker may have installed another (a container built with its own key)."""
    orm.start_mappers(FieldCipher([TEST_KEY]))
    built = make_engine(database_url)
    yield built
    built.dispose()


# the processes


class Process:
    """One long-running command in its own process group, its output in a log file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log: Path,
                 ready_url: str | None) -> None:
        self.name, self.args, self.env, self.log, self.ready_url = name, args, env, log, ready_url
        self.popen: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> Process:
        assert self.popen is None, f"{self.name} is already running"
        self.starts += 1
        with open(self.log, "ab") as out:
            out.write(f"\n--- start {self.starts} ---\n".encode())
            out.flush()
            self.popen = subprocess.Popen(self.args, cwd=ROOT, env=self.env, stdout=out,
                                          stderr=subprocess.STDOUT, start_new_session=True)
        if self.ready_url:
            self._wait_ready()
        return self

    def kill(self) -> None:
        """SIGKILL to the whole group (gunicorn's master and its workers): no clean-up runs."""
        popen, self.popen = self.popen, None
        if popen is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(popen.pid, signal.SIGKILL)
        popen.wait(timeout=30)

    def restart(self) -> Process:
        self.kill()
        return self.start()

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def _wait_ready(self) -> None:
        assert self.ready_url is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if not self.running:
                raise AssertionError(f"{self.name} ended at start:\n{self.output()[-3000:]}")
            try:
                with urllib.request.urlopen(self.ready_url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.1)
        raise AssertionError(f"{self.name} was not ready in {START_TIMEOUT} s:\n"
                             f"{self.output()[-3000:]}")


class Stack:
    """The processes of one test: the LINE simulator, the app, the dispatcher."""

    def __init__(self, database_url: str, tmp_path: Path) -> None:
        self.database_url = database_url
        self.data_dir = tmp_path / "data"
        self.data_dir.mkdir()
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.app_port, self.sim_port = free_port(), free_port()
        self.app_url = f"http://127.0.0.1:{self.app_port}"
        self.sim_url = f"http://127.0.0.1:{self.sim_port}"
        self.processes: list[Process] = []
        self.last_run_seconds = 0.0

    def env(self, **extra: str) -> dict[str, str]:
        """Built from nothing: only what the processes need, never the developer's settings."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
            "HOME": str(self.data_dir), "PYTHONUNBUFFERED": "1",
            "MADOGUCHI_ENV": "test", "DATABASE_URL": self.database_url,
            "MADOGUCHI_DATA_DIR": str(self.data_dir), "MADOGUCHI_DATA_KEYS": TEST_KEY,
            "MADOGUCHI_SECRET_KEY": "faults-" + "s" * 40,
            "MADOGUCHI_MATCH_KEY": "faults-" + "m" * 40,
            "MADOGUCHI_TASK_QUEUE": "in_process", "MADOGUCHI_TOWN_NAME": "試験町",
            "MADOGUCHI_PUBLIC_URL": self.app_url,
            "LINE_CHANNEL_SECRET": DEV_LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": DEV_LINE_TOKEN,
            "LINE_API_BASE_URL": self.sim_url,
        }
        env.update(extra)
        return env

    def _add(self, process: Process) -> Process:
        self.processes.append(process)
        return process

    def simulator(self, *, users: int, push_rate: int = 2000) -> Process:
        """`madoguchi line-sim` with `users` residents who follow the account already."""
        return self._add(Process(
            "line-sim", [str(BIN / "madoguchi"), "line-sim", "--port", str(self.sim_port),
                         "--webhook", f"{self.app_url}/line/webhook", "--users", str(users),
                         "--push-rate", str(push_rate)],
            self.env(), self.logs / "line-sim.log", f"{self.sim_url}/_sim/stats"))

    def app(self, **extra: str) -> Process:
        """The app as production runs it: gunicorn, one worker with threads."""
        return self._add(Process(
            "app", [sys.executable, "-m", "gunicorn", "-c", "python:entrypoints.gunicorn_conf",
                    "-w", "1", "-k", "gthread", "--threads", "4", "--timeout", "60",
                    "-b", f"127.0.0.1:{self.app_port}", "entrypoints.wsgi:app"],
            self.env(**extra), self.logs / "app.log", f"{self.app_url}/healthz"))

    def dispatcher(self) -> Process:
        """`madoguchi scheduler`: due jobs and the outbox, beside a web process."""
        return self._add(Process("scheduler", [str(BIN / "madoguchi"), "scheduler"],
                                 self.env(), self.logs / "scheduler.log", None))

    def command(self, *args: str, **extra: str) -> Process:
        """A one-shot `madoguchi …` (started by the test, waited for or killed)."""
        name = args[0] if len(args) < 2 else f"{args[0]}-{args[1]}"
        log = self.logs / f"{name}-{len(self.processes)}.log"
        return self._add(Process(name, [str(BIN / "madoguchi"), *args], self.env(**extra),
                                 log, None))

    def run(self, *args: str, timeout: float = 120, **extra: str) -> tuple[int, str]:
        """Run `madoguchi …` to its end: (exit code, its output)."""
        process = self.command(*args, **extra).start()
        assert process.popen is not None
        began = time.monotonic()
        code = process.popen.wait(timeout=timeout)
        self.last_run_seconds = time.monotonic() - began
        process.popen = None
        return code, process.output().split("--- start 1 ---\n", 1)[-1]

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.kill()

    # the simulator's admin API

    def sim(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.sim_url}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return json.loads(error.read())

    def replies(self, user_id: str) -> list[dict[str, Any]]:
        """The messages the user's phone received."""
        return self.sim("GET", f"/_sim/messages?user={user_id}")["messages"]


@pytest.fixture
def stack(database_url: str, tmp_path: Path) -> Iterator[Stack]:
    built = Stack(database_url, tmp_path)
    try:
        yield built
    finally:
        built.stop()
        for process in built.processes:  # shown by pytest when the test failed
            print(f"--- {process.name} (last lines) ---\n{process.output()[-3000:]}")


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.2)


def scalar(engine: Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as connection:
        return connection.execute(text(sql), params).scalar_one()
