"""Outbound LINE: personalised pushes from the outbox to the LINE simulator.

Prints messages/s for Madoguchi's dispatcher (outbox → SDK → simulator) and the simulator's own
ceiling measured in the same run (bare keep-alive HTTP pushes from threads in this process), and
then a second pass with faults injected (5% 500s before recording, 2% "accepted but the answer
was lost", and a rate limit below the dispatcher's pace, so some 429s) counting duplicates and
losses, which must be 0 and 0. Medians of --repeat runs.

    .venv/bin/python -m bench.line_outbound --size 100000
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from adapters.crypto import FieldCipher, new_key
from adapters.line.messenger import LineMessenger
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.messaging import outbox
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock
from application.messaging.codec import messages_to_json
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import OutboxStatus
from application.ports.messaging import OutgoingMessage
from bench.common import (
    DEV_SECRET,
    DEV_TOKEN,
    call,
    drain_outbox,
    fresh_database,
    median,
    report,
    simulator,
    unit_of_work,
)

THREADS = 8


def seed_outbox(engine, users: list[str]) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    rows = []
    for index, user in enumerate(users):
        text = (f"見本町からのお知らせです。世帯番号 H{index:07d} のご世帯は、物価高騰対策給付金"
                f"（70,000円）の対象です。")
        rows.append({
            "id": f"B{index:025d}", "channel": "line", "recipient": user,
            "payload": {"messages": messages_to_json([OutgoingMessage(text=text)])},
            "status": "pending", "attempts": 0, "last_error": "", "created_at": now,
            "version": 1,
        })
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(outbox), rows[start:start + 5000])


def ceiling(base_url: str, users: list[str], seconds_budget: float) -> float:
    """The simulator's own pace: pushes from THREADS keep-alive connections, nothing else."""
    host, port = base_url.removeprefix("http://").split(":")
    body_of = [json.dumps({"to": u, "messages": [{"type": "text", "text": "天井の測定"}]})
               for u in users]
    counter = iter(range(len(users)))
    lock = threading.Lock()
    done = 0
    deadline = time.monotonic() + seconds_budget

    def worker() -> None:
        nonlocal done
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {DEV_TOKEN}"}
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            connection.request("POST", "/v2/bot/message/push", body=body_of[index],
                               headers={**headers, "X-Line-Retry-Key": str(uuid.uuid4())})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                with lock:
                    done += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.perf_counter() - started)


def dispatch(database_url: str, base_url: str, users: list[str],
             processes: int) -> tuple[float, dict]:
    """Seed the outbox, then drain it with `processes` dispatcher processes (as a town runs
    one per web or worker process); returns messages/s over the whole drain."""
    engine = make_engine(database_url)
    migrating.upgrade(engine)
    seed_outbox(engine, users)
    engine.dispose()
    elapsed, counts = drain_outbox(database_url, _drain, (base_url,), processes)
    return len(users) / elapsed, counts


def _drain(database_url: str, base_url: str, until: Any = None) -> None:
    """Deliver until the outbox has nothing pending (and, given an event `until`, it is set:
    messages are still being written meanwhile)."""
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    messenger = LineMessenger(access_token=DEV_TOKEN, base_url=base_url, max_rate=5000,
                              backoff=0.05, pool_size=THREADS * 2)
    executor = concurrent.futures.ThreadPoolExecutor(THREADS)
    while True:
        report_ = deliver_outbox(uow_factory=lambda: unit_of_work(sessions),
                                 channels={"line": messenger}, clock=SystemClock(), limit=500,
                                 executor=executor)
        if not report_.handled:
            if until is not None and not until.is_set():
                time.sleep(0.05)  # as a dispatcher waits for the next page's wake
                continue
            with unit_of_work(sessions) as uow:
                counts = uow.queries.messages.outbox_counts()
            if counts.get(OutboxStatus.PENDING, 0) == 0:
                break
            time.sleep(0.2)  # a few wait out their back-off, or another process holds them
            _hurry_retries(engine)
    executor.shutdown()
    engine.dispose()


def _hurry_retries(engine) -> None:  # type: ignore[no-untyped-def]
    """Back-offs are seconds long in service; here they are cut short to keep the run quick."""
    with engine.begin() as connection:
        connection.execute(outbox.update().where(outbox.c.status == "pending")
                           .values(next_attempt_at=None))


def run_once(size: int, database_url: str | None, faults: bool, processes: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, simulator(
        users=size * 2, push_rate=(500 if faults else 100_000)
    ) as base_url:
        users = bulk_user_ids(DEV_SECRET, size * 2)
        measured_ceiling = None if faults else ceiling(base_url, users[size:], 60.0)
        call(base_url, "POST", "/_sim/reset")
        if faults:
            call(base_url, "POST", "/_sim/faults",
                 {"error_rate": 0.05, "lost_response_rate": 0.02, "seed": 7})
        with fresh_database(database_url, Path(tmp), "madoguchi_bench_line_outbound") as url:
            rate, counts = dispatch(url, base_url, users[:size], processes)
            stats = call(base_url, "GET", "/_sim/stats")
    return {"rate": rate, "ceiling": measured_ceiling, "counts": counts, "stats": stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="pushes per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--processes", type=int, default=2, help="dispatcher processes")
    args = parser.parse_args()
    orm.start_mappers(FieldCipher([new_key()]))

    clean = [run_once(args.size, args.database_url, faults=False, processes=args.processes)
             for _ in range(args.repeat)]
    faulty = run_once(args.size, args.database_url, faults=True, processes=args.processes)
    rates = [r["rate"] for r in clean]
    ceilings = [r["ceiling"] for r in clean]
    ratios = [r["rate"] / r["ceiling"] for r in clean]
    stats = faulty["stats"]
    report(f"LINE outbound, {args.size:,} personalised pushes, {args.processes} dispatcher "
           f"processes x {THREADS} threads, median of {args.repeat}", [
        ("Madoguchi dispatcher", f"{median(rates):,.0f} messages/s  (runs: "
                                 + ", ".join(f"{r:,.0f}" for r in rates) + ")"),
        ("simulator ceiling", f"{median(ceilings):,.0f} pushes/s (bare HTTP, same run)"),
        ("ratio", f"{median(ratios):.2f}  (goal >= 0.5)"),
    ])
    sent = faulty["counts"].get("sent", 0)
    report("with faults: 5% 500s, 2% lost answers, a 500/s rate limit", [
        ("delivered", f"{sent:,} of {args.size:,}, at {faulty['rate']:,.0f} messages/s"),
        ("injected 500s", json.dumps(stats["injected_500"])),
        ("429s", f"{stats['rate_limited_429']:,}"),
        ("409s (repeat of an accepted key)", f"{stats['conflicts_409']:,}"),
        ("duplicates", f"{stats['duplicate_deliveries']}  (goal 0)"),
        ("losses", f"{args.size - stats['delivered_messages']}  (goal 0)"),
        ("outbox", json.dumps(faulty["counts"])),
    ])


if __name__ == "__main__":
    main()
