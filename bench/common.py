"""Shared helpers for the benchmarks: processes on free ports, timing, percentiles, output."""

from __future__ import annotations

import contextlib
import http.client
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from adapters.persistence.database import make_engine
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


def unit_of_work(sessions: Any, *, ids: Any = None, clock: Any = None,
                 banks: Any = None) -> Any:
    """A unit of work as the app builds it: with the message bus and its real handlers."""
    ids, clock = ids or TimeOrderedIds(), clock or SystemClock()
    bus = message_bus(telling=Telling(ContactPolicy(), ids, clock), ids=ids, clock=clock,
                      banks=banks, pay_url=lambda request_id: f"http://bench/pay/{request_id}")
    return SqlAlchemyUnitOfWork(sessions, bus)


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
