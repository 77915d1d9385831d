"""The webhook hands a delivery's inbox ids to a thread that sends the Celery task (ADR 0078):
deliveries handed over while a task is being sent go together in the next, each with the request
id that stored it; stopping sends what was handed over; a worker handles each delivery of a task
under its own request id, and one that fails does not stop the others."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from adapters.background.celery_queue import HANDLE_INBOUND_TASK, CeleryInboxNotifier, make_celery
from application.correlation import current_request_id, request_id_bound

pytestmark = pytest.mark.unit


class _Broker:
    """Keeps what is sent; the first send waits for `release` (a slow round trip to Redis)."""

    def __init__(self, *, hold_first: bool = False, fail_first: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.sending, self.release = threading.Event(), threading.Event()
        self._hold, self._fail = hold_first, fail_first
        if not hold_first:
            self.release.set()

    def send_task(self, name: str, *, args: list[Any] | None = None,
                  kwargs: dict[str, Any]) -> None:
        assert name == HANDLE_INBOUND_TASK
        self.sending.set()
        self.release.wait(5)
        if self._fail:
            self._fail = False
            raise ConnectionError("Redis is not answering")
        self.sent.append({"args": args, **kwargs})


def _notifier(broker: _Broker, **options: Any) -> CeleryInboxNotifier:
    return CeleryInboxNotifier(broker, **options)  # type: ignore[arg-type]


def test_deliveries_handed_over_during_a_send_go_together_each_with_its_request_id() -> None:
    broker = _Broker(hold_first=True)
    notifier = _notifier(broker)
    with request_id_bound("req-web-00000001"):
        notifier.wake(["a1", "a2"])
    assert broker.sending.wait(5)  # the first task is on its way, slowly
    with request_id_bound("req-web-00000002"):
        notifier.wake(["b1"])
    with request_id_bound("req-web-00000003"):
        notifier.wake(["c1"])

    broker.release.set()
    notifier.stop()

    assert [task["batches"] for task in broker.sent] == [
        [("req-web-00000001", ["a1", "a2"])],
        [("req-web-00000002", ["b1"]), ("req-web-00000003", ["c1"])]]


def test_a_task_takes_no_more_deliveries_once_it_holds_enough_rows() -> None:
    broker = _Broker(hold_first=True)
    notifier = _notifier(broker, most=3)
    notifier.wake(["first"])
    assert broker.sending.wait(5)
    for n in range(5):
        notifier.wake([f"r{n}a", f"r{n}b"])

    broker.release.set()
    notifier.stop()

    rows = [sum(len(ids) for _, ids in task["batches"]) for task in broker.sent]
    assert rows == [1, 4, 4, 2]
    assert [i for task in broker.sent for _, ids in task["batches"] for i in ids][1:] == [
        f"r{n}{half}" for n in range(5) for half in "ab"]


def test_stopping_sends_everything_handed_over() -> None:
    broker = _Broker()
    notifier = _notifier(broker)
    for n in range(50):
        notifier.wake([f"row{n}"])

    notifier.stop()

    assert sorted(i for task in broker.sent for _, ids in task["batches"] for i in ids) == \
        sorted(f"row{n}" for n in range(50))


def test_a_sweep_is_sent_at_once_by_the_caller() -> None:
    broker = _Broker()

    with request_id_bound("req-beat-0000001"):
        _notifier(broker).wake(None)

    assert broker.sent == [{"args": [None], "request_id": "req-beat-0000001"}]


def test_a_send_that_fails_is_logged_and_the_next_deliveries_still_go(
        caplog: pytest.LogCaptureFixture) -> None:
    broker = _Broker(fail_first=True)
    notifier = _notifier(broker)
    notifier.wake(["lost-to-the-sweep"])
    notifier.stop()
    notifier.wake(["next"])  # a new thread after a stop
    notifier.stop()

    assert [task["batches"] for task in broker.sent] == [[(None, ["next"])]]
    assert "were not woken for 1 stored events" in caplog.text


def test_a_worker_handles_each_delivery_under_its_request_id_and_goes_on_after_a_failure(
        caplog: pytest.LogCaptureFixture) -> None:
    handled: list[tuple[list[str] | None, str | None]] = []

    def handle(ids: list[str] | None) -> None:
        if ids == ["bad"]:
            raise RuntimeError("the database went away")
        handled.append((ids, current_request_id()))

    task = make_celery("memory://", handle_inbound=handle).tasks[HANDLE_INBOUND_TASK]
    task.apply(kwargs={"batches": [["req-web-00000001", ["a"]], ["req-web-00000002", ["bad"]],
                                   ["req-web-00000003", ["c"]]]})
    task.apply(args=[["d"]], kwargs={"request_id": "req-web-00000004"})  # one delivery, as
    # a web process of the previous release sends it

    assert handled == [(["a"], "req-web-00000001"), (["c"], "req-web-00000003"),
                       (["d"], "req-web-00000004")]
    assert "1 stored events were not handled" in caplog.text


def test_a_task_with_a_failed_delivery_fails_after_the_others_are_handled() -> None:
    handled: list[list[str] | None] = []

    def handle(ids: list[str] | None) -> None:
        if ids == ["bad"]:
            raise RuntimeError("the database went away")
        handled.append(ids)

    task = make_celery("memory://", handle_inbound=handle).tasks[HANDLE_INBOUND_TASK]
    result = task.apply(kwargs={"batches": [[None, ["bad"]], [None, ["after"]]]})

    assert handled == [["after"]]
    assert result.failed() and isinstance(result.result, RuntimeError)


def test_a_send_that_does_not_return_makes_the_process_unready_and_bounds_what_waits(
        caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    broker = _Broker(hold_first=True)
    notifier = _notifier(broker, most_waiting=4, stuck_after=30.0, clock=lambda: now[0])
    notifier.wake(["first"])
    assert broker.sending.wait(5)
    assert notifier.ready()

    now[0] += 31.0  # Redis has not answered for 31 s
    for n in range(6):
        notifier.wake([f"r{n}"])
    unready = not notifier.ready()
    broker.release.set()
    notifier.stop()

    assert unready and notifier.ready()
    assert [i for task in broker.sent for _, ids in task["batches"] for i in ids] == [
        "first", "r0", "r1", "r2", "r3"]  # the rest wait for the sweep
    assert "deliveries left to the inbound sweep so far" in caplog.text


def test_a_wake_after_the_thread_ended_starts_another() -> None:
    broker = _Broker()
    notifier = _notifier(broker)
    notifier.wake(["a"])
    notifier.stop()  # the thread ends once everything is sent

    notifier.wake(["b"])
    notifier.stop()

    assert [ids for task in broker.sent for _, ids in task["batches"]] == [["a"], ["b"]]


def test_a_process_that_exits_sends_what_was_handed_over(tmp_path: Path) -> None:
    sent = tmp_path / "sent.txt"
    code = f"""
import sys, time
from adapters.background.celery_queue import CeleryInboxNotifier

class SlowBroker:
    def send_task(self, name, *, args=None, kwargs):
        time.sleep(0.2)  # each round trip slow: the wakes queue behind the first
        with open({str(sent)!r}, "a") as out:
            for _, ids in kwargs["batches"]:
                out.write(" ".join(ids) + "\\n")

notifier = CeleryInboxNotifier(SlowBroker())
for n in range(5):
    notifier.wake([f"row{{n}}"])
sys.exit(0)  # as a gunicorn worker leaves
"""
    subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2], check=True,
                   timeout=30)

    assert sent.read_text().split() == [f"row{n}" for n in range(5)]


def test_a_process_forked_from_one_with_wakes_waiting_starts_with_nothing() -> None:
    broker = _Broker(hold_first=True)
    notifier = _notifier(broker)
    notifier.wake(["parent-1"])
    assert broker.sending.wait(5)  # the parent's thread is inside a send, holding nothing
    notifier.wake(["parent-2"])  # and one waits behind it

    child = os.fork()
    if child == 0:  # the child: nothing of the parent's to send, and its own thread
        try:
            broker.sent.clear()
            broker.release.set()
            notifier.wake(["child-1"])
            notifier.stop()
            sent = [i for task in broker.sent for _, ids in task["batches"] for i in ids]
            os._exit(0 if sent == ["child-1"] else 1)
        finally:
            os._exit(2)
    _, status = os.waitpid(child, 0)
    broker.release.set()
    notifier.stop()

    assert os.waitstatus_to_exitcode(status) == 0
    assert [i for task in broker.sent for _, ids in task["batches"] for i in ids] == [
        "parent-1", "parent-2"]
