"""Who handles the events a webhook stored (ADR 0062), as the embedded default and the tests run
it: a small pool of threads in the web process, woken with the ids of a delivery's rows and
sweeping every few seconds (between wakes, or after one when a sweep is due) for rows left
behind (a crash between storing and handling, an event waiting out a pause after a failure);
or, for the tests and the command line, the handling done at once in the caller
(`HandleNow`). With Celery: `celery_queue.CeleryInboxNotifier`."""

from __future__ import annotations

import collections
import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from application.correlation import current_request_id, request_id_bound

__all__ = ["HandleNow", "InboxWorkers"]

log = logging.getLogger(__name__)

# (ids of rows, or None: a sweep; keep_going=: whether a sweep goes on to its next round)
Handle = Callable[..., object]

_STOP = object()


class InboxWorkers:
    def __init__(self, handle: Handle, *, threads: int = 2, sweep_seconds: float = 3.0,
                 burst: tuple[int, float] = (10, 0.1), give_way_max: float = 0.25,
                 batch: int = 50, clock: Callable[[], float] = time.monotonic,
                 patience: float = float("inf"), burst_hold: float = 0.0,
                 sustained: tuple[int, float] = (100, 1.0)) -> None:
        """`burst`: (n, seconds): n deliveries within that many seconds are a burst (the
        default: faster than 100 a second, more than the threads handle). While a burst lasts
        the threads take turns, one batch at a time, and each waits before its batch, up to
        `give_way_max` seconds: the web process answers LINE first and handles in the gaps, at
        least one batch every `give_way_max` seconds and the time it takes, then at full
        speed. What a long burst leaves waits stored in the inbox, in order; a town whose
        traffic stays above that runs the handling on Celery's `inbound` workers, which never
        wait (ADR 0062, 0066). `batch`: the rows of queued deliveries handled in one go.
        `patience`: a thread gives way no more once the delivery it takes was woken for that
        many seconds ago: a burst that lasts is handled at full speed beside it (ADR 0079).
        `burst_hold`: a burst whose rate was `sustained` ((n, seconds): n deliveries within that
        many seconds) lasts that much longer after it was last seen so (a web process whose
        writes wait for the other's on SQLite wakes the threads in clumps, and each pause
        between clumps would end the burst; a few clumps at a moderate rate are not held,
        ADR 0079)."""
        self._handle = handle
        self._size, self._sweep_every = threads, sweep_seconds
        self._burst_window, self._give_way_max, self._batch = burst[1], give_way_max, batch
        self._patience, self._burst_hold = patience, burst_hold
        self._burst_seen = float("-inf")  # the last wake that came at a sustained burst's rate
        self._sustained_wakes: collections.deque[float] = collections.deque(maxlen=sustained[0])
        self._sustained_window = sustained[1]
        self._recent_wakes: collections.deque[float] = collections.deque(maxlen=burst[0])
        self._clock = clock
        self._work: queue.Queue[object] = queue.Queue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._sweeping = threading.Lock()  # one thread sweeps at a time
        self._swept_at = clock()
        self._swept_through = float("-inf")  # a whole sweep began then: wakes before it are done
        self._burst_turn = threading.Lock()  # during a burst, one thread handles at a time
        self._stopped = threading.Event()
        self._busy = 0
        self._idle = threading.Condition(self._lock)

    def wake(self, ids: Sequence[str] | None = None) -> None:
        """Handle these rows' senders soon (None: sweep now). Starts the threads if need be."""
        with self._lock:
            if self._stopped.is_set():  # what is stored waits for the next start's sweep
                return
            self._busy += 1
            now = self._clock()
            self._recent_wakes.append(now)
            self._sustained_wakes.append(now)
            if (len(self._sustained_wakes) == self._sustained_wakes.maxlen
                    and now - self._sustained_wakes[0] < self._sustained_window):
                self._burst_seen = now
            # with the request id that stored them (the replies carry it: correlation.py), and
            # when: a sweep that began after has handled them
            self._work.put(None if ids is None
                           else (list(ids), current_request_id(), self._clock()))
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            while len(self._threads) < self._size:
                thread = threading.Thread(target=self._run, daemon=True,
                                          name=f"madoguchi-inbox-{len(self._threads) + 1}")
                thread.start()
                self._threads.append(thread)

    def ready(self, timeout: float = 1.0) -> bool:
        """Not stopped, and every thread started still alive (for /readyz)."""
        with self._lock:
            return not self._stopped.is_set() and all(t.is_alive() for t in self._threads)

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Wait until everything woken for has been handled (the command line, tests)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)

    def stop(self, timeout: float = 10.0) -> None:
        """Let the events being handled finish, then end the threads (what waits stays
        stored: the next start's sweep takes it)."""
        with self._lock:
            self._stopped.set()
            threads = list(self._threads)
            for _ in threads:
                self._work.put(_STOP)
        for thread in threads:
            thread.join(timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            # during a burst the turn is taken before the work: the oldest deliveries first
            holding = self._bursting() and self._burst_turn.acquire()
            try:
                if not self._take_and_handle(holding):
                    return
            finally:
                if holding:
                    self._burst_turn.release()

    def _take_and_handle(self, holding: bool) -> bool:
        """One item of work (a burst that began while this thread waited for it: in its turn);
        False once told to stop."""
        try:
            item = self._work.get(timeout=self._sweep_every)
        except queue.Empty:
            self._sweep()
            return True
        if item is _STOP:
            return False
        taken = 1
        try:
            if item is None:
                self._sweep()
            else:
                late = not holding and self._bursting()
                with self._burst_turn if late else contextlib.nullcontext():
                    batches, taken = self._gathered(item)  # type: ignore[arg-type]
                    for request_id, ids in batches.items():
                        with request_id_bound(request_id):
                            self._call(ids)
                # woken without a pause: a sweep when it is due all the same (outside a burst,
                # whose own handling must give way), for what no wake names any more (events
                # waiting out a failure's pause, or left by a worker that stopped early)
                if (self._clock() - self._swept_at >= self._sweep_every
                        and not self._bursting() and not self._stopped.is_set()):
                    self._sweep()
        finally:
            with self._idle:
                self._busy -= taken
                self._idle.notify_all()
        return True

    def _bursting(self) -> bool:
        recent = self._recent_wakes
        with self._lock:
            now = self._clock()
            return ((len(recent) == recent.maxlen and now - recent[0] < self._burst_window)
                    or now - self._burst_seen < self._burst_hold)

    def _gathered(self, first: tuple[list[str], str | None, float],
                  ) -> tuple[dict[str | None, list[str]], int]:
        """After giving way to the webhook, this delivery's rows and those of the deliveries
        queued behind it (up to a batch), by the request that stored them; how many wakes.
        Wakes from before a whole sweep began are passed over: after a burst the sweep often
        drains the inbox ahead of them, and thousands of them would hold up the next events."""
        started = self._clock()
        while (self._bursting() and self._clock() - started < self._give_way_max
               and self._clock() - first[2] < self._patience
               and not self._stopped.is_set()):
            time.sleep(0.01)
        batches: dict[str | None, list[str]] = {}
        count = taken = 0
        queued = first
        while True:
            ids, request_id, at = queued
            taken += 1
            if at >= self._swept_through:
                batches.setdefault(request_id, []).extend(ids)
                count += len(ids)
            if count >= self._batch:
                break
            try:
                more = self._work.get_nowait()
            except queue.Empty:
                break
            if not isinstance(more, tuple):  # a sweep or the stop: back in line for later
                self._work.put(more)
                break
            queued = more
        return batches, taken

    def _sweep(self) -> None:
        if self._sweeping.acquire(blocking=False):
            began = self._swept_at = self._clock()
            try:
                # a burst or the stop ends it between rounds: then it did not cover everything
                if self._call(None, keep_going=self._may_sweep_on) and self._may_sweep_on():
                    self._swept_through = max(self._swept_through, began)
            finally:
                self._sweeping.release()

    def _may_sweep_on(self) -> bool:
        return not self._bursting() and not self._stopped.is_set()

    def _call(self, ids: Sequence[str] | None, **options: object) -> bool:
        """Whether the handling ran through."""
        try:
            self._handle(ids, **options)
        except Exception:  # the database away, say: the rows stay stored for the next sweep
            log.exception("inbound events could not be handled now; the sweep tries again")
            return False
        return True


class HandleNow:
    """Handles in the caller as soon as woken (the tests' webhook answers after its events are
    handled, as `MADOGUCHI_TASK_QUEUE=eager` runs jobs)."""

    def __init__(self, handle: Handle) -> None:
        self._handle = handle

    def wake(self, ids: Sequence[str] | None = None) -> None:
        self._handle(ids)

    def ready(self, timeout: float = 1.0) -> bool:
        return True

    def wait_idle(self, timeout: float = 30.0) -> bool:
        return True

    def stop(self) -> None:
        pass
