"""Celery on Redis: `enqueue` sends the job id; a worker (`madoguchi worker`) runs it. A LINE
delivery's stored events are handled by `madoguchi.handle_inbound` on the `inbound` queue, sent
with the ids of their inbox rows (ADR 0062); beat's scheduled work sends it for leftovers too.

Only the job id travels through the broker (no personal data in Redis), with the request
id that enqueued it: the worker runs the job under it (application/correlation.py). Tasks are
acknowledged late, so a worker that dies mid-job leaves the message to be redelivered; the job
runner's claim makes that safe.
"""

from __future__ import annotations

import atexit
import collections
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Sequence

import redis
from celery import Celery

from adapters.background.outbox_pump import deliver_due
from application.correlation import current_request_id, request_id_bound
from application.ports.job_queue import JobQueue

__all__ = [
    "DELIVER_OUTBOX_TASK",
    "HANDLE_INBOUND_TASK",
    "INBOUND_QUEUE",
    "QUEUES",
    "ROUTES",
    "RUN_JOB_TASK",
    "RUN_SCHEDULED_TASK",
    "SCHEDULE_EVERY",
    "CeleryInboxNotifier",
    "CeleryJobQueue",
    "CeleryOutboxNotifier",
    "make_celery",
]

log = logging.getLogger(__name__)

RUN_JOB_TASK = "madoguchi.run_job"
DELIVER_OUTBOX_TASK = "madoguchi.deliver_outbox"
RUN_SCHEDULED_TASK = "madoguchi.run_scheduled"
HANDLE_INBOUND_TASK = "madoguchi.handle_inbound"
INBOUND_QUEUE = "inbound"  # its own queue: a burst of taps does not wait behind a long job
SCHEDULE_EVERY = 60.0  # seconds between two runs of the scheduled work (beat's entry)
# Each task on its named queue, so a town runs workers for each apart (Procfile.city, ADR 0066):
# a campaign's long job never holds up replies, nor a burst of taps the notices.
ROUTES = {RUN_JOB_TASK: "jobs", RUN_SCHEDULED_TASK: "jobs", DELIVER_OUTBOX_TASK: "outbox",
          HANDLE_INBOUND_TASK: INBOUND_QUEUE}
QUEUES = ("jobs", "outbox", INBOUND_QUEUE)  # what `madoguchi worker` consumes unless told


def make_celery(broker_url: str, run: Callable[[str], object] | None = None,
                deliver: Callable[[], object] | None = None,
                scheduled: Callable[[JobQueue], object] | None = None,
                handle_inbound: Callable[[list[str] | None], object] | None = None) -> Celery:
    """A Celery app with the task that runs a stored job, the one that delivers the outbox, the
    one that handles stored inbound events and the one that runs scheduled work (due
    reminders, a sweep of inbound events left behind), which beat sends every minute
    (`madoguchi scheduler`). The callables are given on workers; senders and beat only need
    the names. Each task goes to its queue (ROUTES); `madoguchi worker` consumes every queue
    unless told which."""
    app = Celery("madoguchi", broker=broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        broker_connection_retry_on_startup=True,
        worker_hijack_root_logger=False,  # the logging set up by `madoguchi worker` stays
        task_routes={name: {"queue": queue} for name, queue in ROUTES.items()},
        task_default_queue="jobs",  # a task not routed still reaches a consumed queue
        beat_schedule={"madoguchi-scheduled-work": {
            "task": RUN_SCHEDULED_TASK, "schedule": SCHEDULE_EVERY,
            "options": {"expires": SCHEDULE_EVERY}},  # a late run is skipped, not stacked
            # What waits out a back-off (the outbox's, the webhooks': ADR 0071) is sent once
            # due, though nothing new wakes the outbox meanwhile.
            "madoguchi-deliver-due": {
                "task": DELIVER_OUTBOX_TASK, "schedule": SCHEDULE_EVERY,
                "options": {"expires": SCHEDULE_EVERY}}},
    )

    @app.task(name=RUN_JOB_TASK, shared=False, bind=True, max_retries=5, default_retry_delay=10)
    def run_job(task, job_id: str,  # type: ignore[no-untyped-def]
                request_id: str | None = None) -> None:
        if run is None:
            raise RuntimeError("this Celery app only sends jobs; start `madoguchi worker`")
        try:
            with request_id_bound(request_id):
                run(job_id)
        except Exception as error:  # retried with the type only: Celery logs what it retries
            raise task.retry(exc=RuntimeError(f"job {job_id} failed: {type(error).__name__}")
                             ) from None

    @app.task(name=DELIVER_OUTBOX_TASK, shared=False, ignore_result=True)
    def deliver_outbox() -> None:
        if deliver is None:
            raise RuntimeError("this Celery app only sends; start `madoguchi worker`")
        deliver_due(deliver)

    @app.task(name=HANDLE_INBOUND_TASK, shared=False, ignore_result=True)
    def handle_inbound_task(ids: list[str] | None = None, request_id: str | None = None,
                            batches: list[tuple[str | None, list[str]]] | None = None) -> None:
        """`ids` of one delivery (None: a sweep), or `batches`: several deliveries' ids, each
        with the request id that stored them (`CeleryInboxNotifier`)."""
        if handle_inbound is None:
            raise RuntimeError("this Celery app only sends; start `madoguchi worker`")
        failed: Exception | None = None
        for bound, rows in (batches if batches is not None else [(request_id, ids)]):
            with request_id_bound(bound):  # the webhook's: the replies carry it
                try:
                    handle_inbound(rows)
                except Exception as error:  # the next delivery still goes; a sweep retries
                    if rows is None:
                        log.exception("the inbound sweep failed")
                    else:
                        log.exception("%d stored events were not handled", len(rows))
                    failed = failed or error
        if failed is not None:  # the task fails, as one delivery's did
            raise failed

    @app.task(name=RUN_SCHEDULED_TASK, shared=False, ignore_result=True)
    def run_scheduled() -> None:
        if scheduled is None:
            raise RuntimeError("this Celery app only sends; start `madoguchi worker`")
        try:
            with request_id_bound(None):  # one id for this run and the jobs it starts
                scheduled(CeleryJobQueue(app))
        finally:  # events left behind: a sweep, even when the scheduled work failed; a late
            # one expires with the next minute's rather than piling up behind it
            app.send_task(HANDLE_INBOUND_TASK, args=[None], expires=SCHEDULE_EVERY)

    return app


class CeleryOutboxNotifier:
    """Asks a worker to deliver the outbox (workers also poll it for back-offs). Wakes within
    `debounce` seconds of the last one sent are folded into it: the task drains everything."""

    def __init__(self, app: Celery, *, debounce: float = 0.2,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._app = app
        self._debounce, self._clock = debounce, clock
        self._last = float("-inf")
        self._lock = threading.Lock()

    def wake(self) -> None:
        with self._lock:
            now = self._clock()
            if now - self._last < self._debounce:
                return
            self._last = now
        self._app.send_task(DELIVER_OUTBOX_TASK, countdown=self._debounce)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return False  # delivery happens elsewhere

    def ready(self, timeout: float = 1.0) -> bool:
        return True  # the broker is the job queue's to check

    def stop(self) -> None:
        pass


class CeleryInboxNotifier:
    """Asks an `inbound` worker to handle a delivery's stored events: only the ids of their
    inbox rows go through Redis (None: a sweep of whatever is due).

    The webhook's request only hands the ids to a thread of this process, which sends them
    (ADR 0078): a task sent from the request cost it 0.2 ms of CPU and a round trip to Redis,
    an eighth of the request. Deliveries handed over while a task is being sent go together in
    the next one, each with its request id, until a task holds `most` rows or more (a delivery
    is never split), so a burst becomes fewer tasks that several workers still share. The
    process sends what was handed over as it exits (gunicorn's workers leave through
    `sys.exit`); what a killed process had not sent, or more than `most_waiting` rows waiting
    behind a send that does not return, waits stored in the inbox for beat's sweep (every
    minute). A send that has not returned within `stuck_after` seconds makes `ready()` false
    (/readyz)."""

    def __init__(self, app: Celery, *, most: int = 100, most_waiting: int = 10_000,
                 stuck_after: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._app, self._most, self._most_waiting = app, most, most_waiting
        self._stuck_after, self._clock = stuck_after, clock
        self._fresh()
        fresh_ref = weakref.WeakMethod(self._fresh)  # a child process starts with nothing
        os.register_at_fork(after_in_child=lambda: (method := fresh_ref()) and method())
        self._exit_registered = False

    def _fresh(self) -> None:
        self._waiting: collections.deque[tuple[str | None, list[str]]] = collections.deque()
        self._rows = 0  # waiting to be sent
        self._dropped = 0
        self._changed = threading.Condition()
        self._sender: threading.Thread | None = None
        self._sending_since: float | None = None
        self._stopping = False

    def wake(self, ids: Sequence[str] | None = None) -> None:
        if ids is None:  # a sweep: at once
            self._app.send_task(HANDLE_INBOUND_TASK, args=[None],
                                kwargs={"request_id": current_request_id()})
            return
        with self._changed:
            if self._rows >= self._most_waiting:  # Redis does not answer: the sweep will
                self._dropped += 1
                if self._dropped % 1000 == 1:
                    log.warning("%d deliveries left to the inbound sweep so far: the sends "
                                "to the broker do not return", self._dropped)
                return
            self._waiting.append((current_request_id(), list(ids)))
            self._rows += len(ids)
            if self._sender is None:
                self._stopping = False
                self._sender = threading.Thread(target=self._send, daemon=True,
                                                name="madoguchi-inbound-wakes")
                self._sender.start()
                if not self._exit_registered:
                    atexit.register(self.stop)
                    self._exit_registered = True
            self._changed.notify()

    def _send(self) -> None:
        while True:
            with self._changed:
                while not self._waiting and not self._stopping:
                    self._changed.wait()
                if not self._waiting:
                    self._sender = None  # a wake after this starts a new thread
                    return  # stopped, and everything handed over was sent
                batches, rows = [], 0
                while self._waiting and rows < self._most:
                    request_id, ids = self._waiting.popleft()
                    batches.append((request_id, ids))
                    rows += len(ids)
                self._rows -= rows
                self._sending_since = self._clock()
            try:
                self._app.send_task(HANDLE_INBOUND_TASK, kwargs={"batches": batches})
            except Exception:  # stored: beat's sweep handles them
                log.exception("the inbound workers were not woken for %d stored events", rows)
            finally:
                with self._changed:
                    self._sending_since = None

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return False  # handled elsewhere

    def ready(self, timeout: float = 1.0) -> bool:
        """False while a send to the broker has not returned for `stuck_after` seconds."""
        with self._changed:
            since = self._sending_since
        return since is None or self._clock() - since < self._stuck_after

    def stop(self, timeout: float = 5.0) -> None:
        """Send what was handed over, then end the thread (at the container's shutdown and
        as the process exits)."""
        with self._changed:
            self._stopping = True
            self._changed.notify()
            sender = self._sender
        if sender is not None:
            sender.join(timeout)


class CeleryJobQueue:
    def __init__(self, app: Celery) -> None:
        self._app = app

    def ready(self, timeout: float = 1.0) -> bool:
        """The broker answers a ping within `timeout` seconds (for /readyz)."""
        client = redis.Redis.from_url(self._app.conf.broker_url, socket_timeout=timeout,
                                      socket_connect_timeout=timeout)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def enqueue(self, job_id: str) -> None:
        self._app.send_task(RUN_JOB_TASK, args=[job_id],
                            kwargs={"request_id": current_request_id()})
