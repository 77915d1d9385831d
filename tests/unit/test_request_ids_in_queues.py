"""A job runs under the request id it was enqueued under, on the in-process queue's thread and
on a Celery worker (the id travels beside the job id); a scheduled run has an id of its own."""

from __future__ import annotations

from typing import Any

import pytest

from adapters.background.celery_queue import RUN_JOB_TASK, CeleryJobQueue, make_celery
from adapters.background.in_process import InProcessJobQueue
from adapters.background.scheduler import IntervalScheduler
from application.correlation import current_request_id, request_id_bound, well_formed

pytestmark = pytest.mark.unit


def test_the_in_process_queue_runs_a_job_under_the_id_it_was_enqueued_under() -> None:
    seen: dict[str, str | None] = {}
    queue = InProcessJobQueue(lambda job_id: seen.update({job_id: current_request_id()}))
    try:
        with request_id_bound("req-web-00000001"):
            queue.enqueue("J1")
        queue.enqueue("J2")  # nothing bound: the job gets an id of its own
        queue.join()
    finally:
        queue.stop()

    assert seen["J1"] == "req-web-00000001"
    assert well_formed(seen["J2"]) and seen["J2"] != "req-web-00000001"


class _Sender:
    def __init__(self) -> None:
        self.sent: list[tuple[str, dict[str, Any]]] = []

    def send_task(self, name: str, *, args: list[str], kwargs: dict[str, Any]) -> None:
        self.sent.append((name, {"args": args, **kwargs}))


def test_celery_carries_the_request_id_beside_the_job_id() -> None:
    sender = _Sender()
    with request_id_bound("req-web-00000002"):
        CeleryJobQueue(sender).enqueue("J3")  # type: ignore[arg-type]

    assert sender.sent == [(RUN_JOB_TASK, {"args": ["J3"], "request_id": "req-web-00000002"})]


def test_a_celery_worker_runs_the_job_under_the_id_it_came_with() -> None:
    seen: list[str | None] = []
    app = make_celery("memory://", run=lambda job_id: seen.append(current_request_id()))

    app.tasks[RUN_JOB_TASK].apply(args=["J4"], kwargs={"request_id": "req-web-00000003"})
    app.tasks[RUN_JOB_TASK].apply(args=["J5"])  # sent before request ids travelled

    assert seen[0] == "req-web-00000003" and well_formed(seen[1])
    assert current_request_id() is None


def test_each_scheduled_run_has_an_id_of_its_own() -> None:
    seen: list[str | None] = []
    scheduler = IntervalScheduler(lambda: seen.append(current_request_id()))

    scheduler.run_once()
    scheduler.run_once()

    assert len(set(seen)) == 2 and all(well_formed(value) for value in seen)
