"""The in-process inbox workers give way to the webhook during a burst (ADR 0062)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from adapters.background.inbox_workers import InboxWorkers


class _Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.handled: list[tuple[float, str]] = []
        self.running = 0
        self.started: list[tuple[float, int]] = []  # when a call began, and how many ran then
        self.sweeps = 0

    def __call__(self, ids: Sequence[str] | None, **options: object) -> None:
        with self.lock:
            self.running += 1
            self.started.append((time.monotonic(), self.running))
            self.sweeps += ids is None
        time.sleep(0.02)  # the handling's own work
        with self.lock:
            self.running -= 1
            self.handled += [(time.monotonic(), i) for i in ids or ()]


def _burst(workers: InboxWorkers, *, seconds: float, prefix: str) -> list[str]:
    """Deliveries every 2 ms for `seconds`, as a webhook under a burst wakes the workers."""
    woken, end, n = [], time.monotonic() + seconds, 0
    while time.monotonic() < end:
        ids = [f"{prefix}{n}"]
        workers.wake(ids)
        woken += ids
        n += 1
        time.sleep(0.002)
    return woken


def _clumps(workers: InboxWorkers, *, clumps: int, size: int, pause: float,
            prefix: str) -> list[str]:
    """`clumps` clumps of `size` deliveries at once, `pause` seconds apart, as a web process
    whose stores commit together wakes the workers."""
    woken: list[str] = []
    for clump in range(clumps):
        for n in range(size):
            woken.append(f"{prefix}{clump}-{n}")
            workers.wake([woken[-1]])
        time.sleep(pause)
    return woken


def _fed(workers: InboxWorkers,
         feed: Callable[[InboxWorkers], list[str]]) -> tuple[float, float, list[str]]:
    """`feed(workers)` (the ids it woke), then every one handled and the workers stopped: when
    the feeding began, when it ended, and the ids."""
    try:
        began = time.monotonic()
        woken = feed(workers)
        ended = time.monotonic()
        assert workers.wait_idle(30)
    finally:
        workers.stop()
    return began, ended, woken


def test_during_a_burst_one_thread_handles_a_batch_now_and_then_and_the_rest_after_it() -> None:
    recorder = _Recorder()
    # ten deliveries within 0.5 s are a burst: a pause of the loaded test machine does not end it
    workers = InboxWorkers(recorder, threads=3, sweep_seconds=30, burst=(10, 0.5),
                           give_way_max=0.5, batch=10)
    began, burst_ended, woken = _fed(workers, lambda w: _burst(w, seconds=1.6, prefix="b"))

    assert sorted(i for _, i in recorder.handled) == sorted(woken)
    during = [i for at, i in recorder.handled if at < burst_ended]
    # about one batch of 10 every 0.5 s (all three threads at once would handle 90 or more)
    assert len(during) <= 60 < len(woken)
    # once ten deliveries have come it is a burst
    assert max(running for at, running in recorder.started
               if began + 0.1 < at < burst_ended - 0.1) == 1


def test_a_burst_that_lasts_past_the_patience_is_handled_beside_it() -> None:
    recorder = _Recorder()
    # a long give-way, but deliveries woken 0.3 s ago are not kept waiting
    workers = InboxWorkers(recorder, threads=2, sweep_seconds=30, burst=(10, 0.5),
                           give_way_max=5, batch=10, patience=0.3)
    began, burst_ended, woken = _fed(workers, lambda w: _burst(w, seconds=1.6, prefix="p"))

    assert sorted(i for _, i in recorder.handled) == sorted(woken)
    # once the burst's deliveries have waited 0.3 s, a batch of 10 every 20 ms or so while it
    # still goes on (by the give-way alone: at most one batch, then nothing for 5 s)
    assert len([at for at, _ in recorder.handled if began + 0.5 < at < burst_ended]) > 30


def test_a_burst_that_comes_in_clumps_lasts_through_its_pauses() -> None:
    """A web process whose writes wait for another's wakes its threads in clumps: the pauses
    between them (0.25 s, longer than the burst's window) do not end the burst."""
    recorder = _Recorder()
    workers = InboxWorkers(recorder, threads=2, sweep_seconds=30, burst=(10, 0.1),
                           give_way_max=5, batch=10, burst_hold=1.0, sustained=(100, 1.0))
    _, clumps_ended, woken = _fed(workers, lambda w: _clumps(  # 160 a second
        w, clumps=6, size=40, pause=0.25, prefix="c"))

    assert sorted(i for _, i in recorder.handled) == sorted(woken)
    # the first clumps, before 100 had come within a second; nothing in the pauses after
    assert len([at for at, _ in recorder.handled if at < clumps_ended]) <= 100


def test_clumps_at_a_moderate_rate_are_handled_between_them() -> None:
    """Deliveries stored together wake the threads together: a few clumps at 40 a second are
    a burst only while each lasts, and are handled in the pauses."""
    recorder = _Recorder()
    workers = InboxWorkers(recorder, threads=2, sweep_seconds=30, burst=(10, 0.1),
                           give_way_max=5, batch=20, burst_hold=1.0, sustained=(100, 1.0))
    _, clumps_ended, woken = _fed(workers, lambda w: _clumps(  # 40 a second
        w, clumps=6, size=12, pause=0.3, prefix="m"))

    assert sorted(i for _, i in recorder.handled) == sorted(woken)
    handled_meanwhile = [at for at, _ in recorder.handled if at < clumps_ended]
    assert len(handled_meanwhile) >= 48  # all but the last clump or so, within the pauses


def test_deliveries_that_come_apart_are_handled_at_once() -> None:
    recorder = _Recorder()
    workers = InboxWorkers(recorder, threads=2, sweep_seconds=30, give_way_max=5)
    try:
        for n in range(12):
            workers.wake([f"q{n}"])
            time.sleep(0.02)  # 50 a second: a steady stream, not a burst
        assert workers.wait_idle(1)  # nobody waited out the 5 s
    finally:
        workers.stop()
    assert sorted(i for _, i in recorder.handled) == sorted(f"q{n}" for n in range(12))


def test_a_steady_stream_of_wakes_still_lets_the_sweep_run() -> None:
    """A wake names only its own rows: an event waiting out a failure's pause is taken up by a
    sweep, which must come every `sweep_seconds` even when wakes never leave a pause."""
    recorder = _Recorder()
    workers = InboxWorkers(recorder, threads=2, sweep_seconds=0.3, give_way_max=5)
    try:
        end = time.monotonic() + 1.5
        n = 0
        while time.monotonic() < end:
            workers.wake([f"s{n}"])  # every 20 ms: the threads never wait 0.3 s for work
            n += 1
            time.sleep(0.02)
        assert workers.wait_idle(5)
    finally:
        workers.stop()
    assert recorder.sweeps >= 3, recorder.sweeps  # about 5 in 1.5 s


def test_wakes_from_before_a_whole_sweep_are_passed_over() -> None:
    """After a burst the sweep drains the inbox ahead of the queued wakes: those from before it
    began need nothing more, and the next events' wakes must not wait behind them."""
    busy, release, calls = threading.Event(), threading.Event(), []

    def handle(ids: Sequence[str] | None, **options: object) -> None:
        calls.append(None if ids is None else list(ids))
        if ids == ["a"]:
            busy.set()
            release.wait(5)  # the thread is busy: the next wakes queue up meanwhile

    workers = InboxWorkers(handle, threads=1, sweep_seconds=0.2, give_way_max=5)
    try:
        workers.wake(["a"])
        assert busy.wait(5)  # "a" taken alone, however late its thread starts
        workers.wake(["b"])
        workers.wake(["c"])  # queued before the sweep that follows "a" (0.2 s are past)
        time.sleep(0.2)
        release.set()
        deadline = time.monotonic() + 5
        while None not in calls and time.monotonic() < deadline:
            time.sleep(0.01)
        workers.wake(["d"])  # after the sweep: handled
        assert workers.wait_idle(5)
    finally:
        workers.stop()
    assert calls[:2] == [["a"], None] and ["d"] in calls
    assert ["b"] not in calls and ["c"] not in calls and ["b", "c"] not in calls


def test_a_sweep_stops_between_rounds_when_a_burst_begins() -> None:
    """A sweep that began before a burst goes on round after round while there is a backlog:
    it asks between rounds, so the burst's give-way rule holds, and wakes after it still count."""
    asked: list[bool] = []
    rounds = threading.Event()

    def handle(ids: Sequence[str] | None, **options: object) -> None:
        if ids is None:
            keep_going = options["keep_going"]
            assert callable(keep_going)
            while True:  # a backlog: each round full, until told to stop
                rounds.set()
                time.sleep(0.01)
                if not keep_going():
                    asked.append(False)
                    return

    workers = InboxWorkers(handle, threads=1, sweep_seconds=30, burst=(10, 0.5))
    try:
        workers.wake(None)  # a sweep now
        assert rounds.wait(5)
        for n in range(12):  # a burst begins
            workers.wake([f"b{n}"])
        assert workers.wait_idle(10)
    finally:
        workers.stop()
    assert asked == [False]
