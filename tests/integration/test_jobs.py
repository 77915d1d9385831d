"""Jobs through both task queues: in this process, and on a Celery worker against Redis."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from adapters.background.celery_queue import CeleryJobQueue, make_celery
from adapters.background.in_process import InProcessJobQueue
from application.jobs.job import JobStatus
from application.jobs.running import start_job
from application.ports.unit_of_work import ConcurrentUpdate
from entrypoints.containers import Container
from entrypoints.jobs import SEED_DEMO_TOWN
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _redis_db() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw9")
    return 1 + int(worker.removeprefix("gw") or 0) % 14


def _job(container: Container, job_id: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.jobs.get(job_id)


def _wait(container: Container, job_id: str, *, timeout: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = _job(container, job_id)
        if job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish within {timeout} s")


def _start(container: Container, queue: object, households: int) -> str:
    return start_job(SEED_DEMO_TOWN, {"households": households}, uow=container.uow(),
                     queue=queue, catalog=container.job_catalog(), ids=container.ids(),
                     clock=container.clock())


def test_a_job_runs_on_the_in_process_queue_and_reports_progress(container: Container) -> None:
    queue = InProcessJobQueue(run=container.job_runner())

    try:
        job_id = _start(container, queue, households=3)
        queue.join()
    finally:
        queue.stop()

    job = _job(container, job_id)
    assert job.status is JobStatus.SUCCEEDED
    assert (job.progress_done, job.progress_total) == (3, 3)
    assert job.result["households"] == 3


def test_running_a_finished_job_again_changes_nothing(container: Container) -> None:
    queue = InProcessJobQueue(run=container.job_runner(), eager=True)
    job_id = _start(container, queue, households=2)

    queue.enqueue(job_id)

    with container.uow() as uow:
        assert uow.households.count() == 2
        assert uow.jobs.get(job_id).attempts == 1


@pytest.fixture
def celery_worker(container: Container, tmp_path: Path):  # type: ignore[no-untyped-def]
    broker = f"{REDIS_URL}/{_redis_db()}"
    try:
        redis.Redis.from_url(broker).flushdb()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    env = {
        **os.environ,
        "MADOGUCHI_ENV": "test",
        "MADOGUCHI_DATA_DIR": str(tmp_path),
        "DATABASE_URL": container.engine().url.render_as_string(hide_password=False),
        "MADOGUCHI_DATA_KEYS": TEST_KEY,
        "MADOGUCHI_TASK_QUEUE": "celery",
        "CELERY_BROKER_URL": broker,
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints", "worker", "--concurrency", "1"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    yield make_celery(broker)
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def test_a_job_runs_on_a_celery_worker_against_redis(container: Container,
                                                      celery_worker) -> None:  # type: ignore[no-untyped-def]
    queue = CeleryJobQueue(celery_worker)

    job_id = _start(container, queue, households=4)
    job = _wait(container, job_id)

    assert job.status is JobStatus.SUCCEEDED, job.error
    with container.uow() as uow:
        assert uow.households.count() == 4

    queue.enqueue(job_id)  # a redelivery of the same job
    time.sleep(1.0)
    with container.uow() as uow:
        assert uow.households.count() == 4
        assert uow.jobs.get(job_id).attempts == 1


def test_of_two_workers_claiming_the_same_job_at_once_only_one_wins(
    container: Container,
) -> None:
    queue = _NoQueue()
    job_id = _start(container, queue, households=1)
    now, lease = container.clock().now(), dt.timedelta(minutes=30)
    first, second = container.uow(), container.uow()

    with first, second:
        first.jobs.get(job_id).start(now=now, lease=lease)
        second.jobs.get(job_id).start(now=now, lease=lease)
        first.commit()
        with pytest.raises(ConcurrentUpdate):
            second.commit()

    assert _job(container, job_id).attempts == 1


class _NoQueue:
    def enqueue(self, job_id: str) -> None:
        pass
