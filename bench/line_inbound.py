"""Inbound LINE: signed postbacks against the app under gunicorn (2 workers).

Prints events/s and p50/p99 latency for `POST /line/webhook` (signature check, inbox, identity,
conversation look-up, the reply in the outbox, one transaction per event; replies pushed to
the LINE simulator in the background by the same processes), against an empty Flask endpoint
on the same server in the same run. Then redelivers a share of the events and checks that none
is handled twice. (The events carry no reply token: tokens are the platform's to issue, and a
made-up one would cost a refused reply before each push.)

    .venv/bin/python -m bench.line_inbound --size 20000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, select

from adapters.crypto import FieldCipher, new_key
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.line.simulator.webhooks import sign
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.messaging import inbox, outbox
from bench.common import DEV_SECRET, free_port, median, percentile, process, report, simulator

CONCURRENCY = 16
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
RESIDENTS = 2000
QUEUE = os.environ.get("BENCH_QUEUE", "in_process")  # or celery, with a worker elsewhere


def _event(index: int, user: str, event_id: str) -> bytes:
    event = {
        "type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False}, "postback": {"data": "menu"},
    }
    return json.dumps({"destination": "Ubench", "events": [event]}).encode()


def fire(port: int, bodies: list[bytes]) -> tuple[float, list[float], int]:
    """POST every body from CONCURRENCY keep-alive connections; (elapsed, latencies, errors)."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    work = iter(bodies)

    def worker() -> None:
        nonlocal errors
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine: list[float] = []
        failed = 0
        while True:
            with lock:
                body = next(work, None)
            if body is None:
                break
            headers = {"Content-Type": "application/json",
                       "X-Line-Signature": sign(DEV_SECRET, body)}
            started = time.perf_counter()
            try:
                connection.request("POST", "/line/webhook", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed += 1
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - started)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors += failed

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def gunicorn(app: str, port: int, env: dict[str, str], log: Path):  # type: ignore[no-untyped-def]
    return process([sys.executable, "-m", "gunicorn", "-w", "2", "-k", "gthread",
                    "--threads", str(THREADS), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
                    app], env=env, url=f"http://127.0.0.1:{port}", log=log)


def run_once(size: int, database_url: str | None, tmp: Path) -> dict:
    users = bulk_user_ids(DEV_SECRET, RESIDENTS)
    prefix = f"{time.time_ns():x}"[-10:]
    bodies = [_event(i, users[i % RESIDENTS], f"01BENCH{prefix}{i:09d}") for i in range(size)]
    url = database_url or f"sqlite:///{tmp / f'inbound-{prefix}.db'}"
    engine = make_engine(url)
    migrating.upgrade(engine)
    keys = new_key()
    with simulator(users=RESIDENTS) as line_url:
        env = {"DATABASE_URL": url, "MADOGUCHI_DATA_KEYS": keys, "MADOGUCHI_DATA_DIR": str(tmp),
               "LINE_API_BASE_URL": line_url, "MADOGUCHI_TASK_QUEUE": QUEUE}
        empty_port, app_port = free_port(), free_port()
        with gunicorn("bench.empty_app:app", empty_port, env, tmp / "empty.log"):
            fire(empty_port, bodies[: min(500, size)])  # warm up
            base_elapsed, base_latencies, base_errors = fire(empty_port, bodies)
        with gunicorn("entrypoints.wsgi:app", app_port, env, tmp / "app.log"):
            fire(app_port, [_event(i, users[i % RESIDENTS], f"01WARM{prefix}{i:010d}")
                            for i in range(min(200, size))])
            elapsed, latencies, errors = fire(app_port, bodies)
            replay = bodies[:: 20]  # LINE redelivers 5% of them
            _, _, replay_errors = fire(app_port, replay)
            time.sleep(2)
    orm.start_mappers(FieldCipher([keys]))
    with engine.connect() as connection:
        handled = connection.execute(
            select(func.count()).select_from(inbox)
            .where(inbox.c.external_id.like(f"01BENCH{prefix}%"))).scalar_one()
        replies = connection.execute(select(func.count()).select_from(outbox)).scalar_one()
    engine.dispose()
    return {
        "rate": size / elapsed, "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99), "errors": errors + replay_errors,
        "base_rate": size / base_elapsed, "base_p50": percentile(base_latencies, 0.5),
        "base_p99": percentile(base_latencies, 0.99), "base_errors": base_errors,
        "handled": handled, "replayed": len(replay),
        "extra_replies": replies - size - min(200, size),  # each event writes one reply
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000, help="webhook events per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = [run_once(args.size, args.database_url, Path(tmp)) for _ in range(args.repeat)]
    ms = 1000
    report(f"LINE inbound, {args.size:,} signed postbacks, gunicorn 2 workers x {THREADS} threads, "
           f"{CONCURRENCY} connections, median of {args.repeat}", [
        ("Madoguchi webhook", f"{median([r['rate'] for r in runs]):,.0f} events/s, "
                              f"p50 {median([r['p50'] for r in runs]) * ms:.1f} ms, "
                              f"p99 {median([r['p99'] for r in runs]) * ms:.1f} ms"),
        ("empty Flask endpoint", f"{median([r['base_rate'] for r in runs]):,.0f} requests/s, "
                                 f"p50 {median([r['base_p50'] for r in runs]) * ms:.1f} ms, "
                                 f"p99 {median([r['base_p99'] for r in runs]) * ms:.1f} ms"),
        ("ratio (events/s)", f"{median([r['rate'] / r['base_rate'] for r in runs]):.2f}"),
        ("goals", "≥ 300 events/s, p99 ≤ 300 ms"),
        ("runs (events/s)", ", ".join(f"{r['rate']:,.0f}" for r in runs)),
        ("handled once", f"{runs[-1]['handled']:,} of {args.size:,} events, after "
                         f"{runs[-1]['replayed']:,} redeliveries (lost: "
                         f"{args.size - runs[-1]['handled']}, answered twice: "
                         f"{runs[-1]['extra_replies']})"),
        ("errors", f"{sum(r['errors'] for r in runs)} (non-200 answers)"),
    ])


if __name__ == "__main__":
    main()
