"""Stored LINE events handled by a Celery worker against Redis (ADR 0062): only inbox ids go
through the broker, on the `inbound` queue; a task sent twice handles nothing twice; a row never
woken for is handled by the sweep beat's scheduled work sends."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from celery import Celery
from sqlalchemy import Engine, func, select

from adapters.background.celery_queue import (
    HANDLE_INBOUND_TASK,
    INBOUND_QUEUE,
    CeleryInboxNotifier,
    make_celery,
)
from adapters.persistence.orm.messaging import outbox
from application.channels.inbound import InboundEvent, InboundKind
from application.channels.receiving_inbound import receive_events
from entrypoints.containers import Container
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
AT = dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC)


def _redis_db() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw9")
    return 1 + int(worker.removeprefix("gw") or 0) % 14


@pytest.fixture
def celery_worker(container: Container, tmp_path: Path) -> Iterator[Celery]:
    broker = f"{REDIS_URL}/{_redis_db()}"
    try:
        redis.Redis.from_url(broker).flushdb()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    env = {**os.environ, "MADOGUCHI_ENV": "test", "MADOGUCHI_DATA_DIR": str(tmp_path),
           "DATABASE_URL": container.engine().url.render_as_string(hide_password=False),
           "MADOGUCHI_DATA_KEYS": TEST_KEY, "MADOGUCHI_TASK_QUEUE": "celery",
           "CELERY_BROKER_URL": broker, "LINE_API_BASE_URL": "http://127.0.0.1:9"}
    with open(tmp_path / "worker.log", "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints", "worker", "--concurrency", "2"],
            env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            yield make_celery(broker)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _text(user: int, n: int) -> InboundEvent:
    return InboundEvent(channel="line", external_id=f"01CEL{user:03d}{n:05d}",
                        address=f"U{user:032d}", kind=InboundKind.TEXT, occurred_at=AT,
                        text="こんにちは 山田です")


def _wait_drained(container: Container, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while container.inbox_queue().backlog() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert container.inbox_queue().backlog() == 0, "the inbox was not drained"


def _replies(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(outbox)).scalar_one()


def test_stored_events_are_handled_once_on_a_celery_worker_and_only_ids_cross_redis(
        container: Container, engine: Engine, celery_worker: Celery) -> None:
    notifier = CeleryInboxNotifier(celery_worker)
    broker = redis.Redis.from_url(celery_worker.conf.broker_url)
    deliveries = [[_text(user, n) for n in range(4)] for user in range(3)]
    stored = [receive_events(d, queue=container.inbox_queue(), ids=container.ids(),
                             clock=container.clock()).ids for d in deliveries]
    for ids in stored:
        notifier.wake(ids)
        notifier.wake(ids)  # a task sent twice (or redelivered by the broker)
    notifier.stop()  # everything handed over is in Redis
    queued = [item for key in broker.scan_iter() for item in
              (broker.lrange(key, 0, -1) if broker.type(key) == b"list" else [])]
    assert all("山田" not in item.decode(errors="replace") for item in queued)

    _wait_drained(container)

    assert _replies(engine) == 12  # one reply an event: none lost, none doubled


def test_a_row_never_woken_for_is_handled_by_the_inbound_sweep(
        container: Container, engine: Engine, celery_worker: Celery) -> None:
    receive_events([_text(7, 0), _text(7, 1)], queue=container.inbox_queue(),
                   ids=container.ids(), clock=container.clock())  # the web process died here

    celery_worker.send_task(HANDLE_INBOUND_TASK, args=[None])  # as beat's scheduled work does
    _wait_drained(container)

    assert _replies(engine) == 2
    assert celery_worker.amqp.router.route({}, HANDLE_INBOUND_TASK)["queue"].name == \
        INBOUND_QUEUE
