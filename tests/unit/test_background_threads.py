"""What runs in the background stops when asked: the in-process job queue, the outbox pump, and
everything the container started (`shutdown`, for `madoguchi serve` on its way out and tests)."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
from dependency_injector import providers

from adapters.background.celery_queue import DELIVER_OUTBOX_TASK, RUN_SCHEDULED_TASK, make_celery
from adapters.background.in_process import InProcessJobQueue
from adapters.background.outbox_pump import OutboxPump
from adapters.background.scheduler import IntervalScheduler
from entrypoints.config import Settings
from entrypoints.containers import build_container, shutdown
from tests.support.isolation import threads_left_behind

pytestmark = pytest.mark.unit


def test_a_stopped_job_queue_finishes_the_running_job_and_starts_no_other(
        caplog: pytest.LogCaptureFixture) -> None:
    before = set(threading.enumerate())
    ran: list[str] = []
    started = threading.Event()

    def run(job_id: str) -> None:
        ran.append(job_id)
        started.set()
        threading.Event().wait(0.3)  # still running when the queue is stopped

    queue = InProcessJobQueue(run=run)
    queue.enqueue("first")
    queue.enqueue("second")
    assert started.wait(5)

    queue.stop()
    queue.enqueue("third")

    assert ran == ["first"]
    assert threads_left_behind(before, grace=0) == []
    stays = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert stays == ["job second stays queued: the in-process queue stopped",
                     "job third stays queued: the in-process queue is stopped"]


def test_a_job_queue_stopped_before_any_job_has_nothing_to_end() -> None:
    before = set(threading.enumerate())
    queue = InProcessJobQueue(run=lambda job_id: None)

    queue.stop()

    waited = threading.Thread(target=queue.join, daemon=True)  # nothing waits in the queue
    waited.start()
    waited.join(timeout=5)
    assert not waited.is_alive(), "join() waits for a job that was never enqueued"
    assert threads_left_behind(before, grace=0) == []  # the queue's thread too has ended


def test_a_stopped_pump_ends_its_thread_and_is_not_woken_again() -> None:
    before = set(threading.enumerate())
    rounds: list[int] = []
    pump = OutboxPump(lambda: rounds.append(1), gather_seconds=0)
    pump.wake()
    assert pump.wait_idle(5)

    pump.stop()
    pump.wake()

    assert pump.wait_idle(0)  # nothing in progress: a caller waiting for it is not kept
    assert rounds == [1]
    assert threads_left_behind(before, grace=0) == []


def test_shutting_the_container_down_ends_every_thread_it_started(tmp_path: Path) -> None:
    container = build_container(Settings.from_env({"MADOGUCHI_DATA_DIR": str(tmp_path),
                                                   "MADOGUCHI_TASK_QUEUE": "in_process"}))
    container.job_runner.override(providers.Object(lambda job_id: None))
    container.outbox_delivery.override(providers.Object(lambda: None))
    container.scheduled_work.override(providers.Object(lambda queue: None))
    before = set(threading.enumerate())
    container.job_queue().enqueue("job-1")
    container.outbox_notifier().wake()
    container.outbox_executor().submit(lambda: None).result()
    container.scheduler().start()
    started = {thread.name for thread in threads_left_behind(before, grace=0)}

    shutdown(container)

    assert started == {"madoguchi-jobs", "madoguchi-outbox", "madoguchi-send_0",
                       "madoguchi-scheduler"}
    assert threads_left_behind(before, grace=0) == []
    shutdown(container)  # again: nothing left to stop


def test_the_in_process_queue_logs_a_failed_job_by_id_and_error_type_only(
        caplog: pytest.LogCaptureFixture) -> None:
    def run(job_id: str) -> None:
        raise ValueError("山田太郎 岡山県総社市中央一丁目1番1号")

    jobs = InProcessJobQueue(run)
    with caplog.at_level(logging.DEBUG):
        jobs.enqueue("job-1")
        jobs.join()
    jobs.stop()

    logged = caplog.text + "".join(str(r.exc_info) for r in caplog.records)
    assert "job-1" in logged and "ValueError" in logged
    assert "山田" not in logged and "総社市" not in logged


def test_the_scheduler_runs_its_work_at_once_and_again_until_stopped(
        caplog: pytest.LogCaptureFixture) -> None:
    ran = threading.Event()
    calls: list[int] = []

    def work() -> None:
        calls.append(1)
        if len(calls) == 2:
            ran.set()
        raise ValueError("山田太郎")  # a failing run neither stops the loop nor logs its message

    scheduler = IntervalScheduler(work, every=0.01)
    with caplog.at_level(logging.DEBUG):
        scheduler.start()
        assert ran.wait(5)
        scheduler.stop()

    assert len(calls) >= 2
    assert "ValueError" in caplog.text and "山田" not in caplog.text
    assert not [t for t in threading.enumerate() if t.name == "madoguchi-scheduler"]


def test_celery_beat_sends_scheduled_work_and_due_deliveries_to_tasks_workers_have() -> None:
    app = make_celery("memory://", scheduled=lambda queue: None)

    entries = app.conf.beat_schedule.values()

    assert [entry["task"] for entry in entries] == [RUN_SCHEDULED_TASK, DELIVER_OUTBOX_TASK]
    assert RUN_SCHEDULED_TASK in app.tasks and DELIVER_OUTBOX_TASK in app.tasks
    assert all(entry["schedule"] <= 60 for entry in entries)  # a reminder waits a minute at most
