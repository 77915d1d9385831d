"""Inbound LINE: signed postbacks against the app under gunicorn (2 workers), the events stored
by the webhook and handled by the in-process workers (ADR 0062).

Prints the events/s the webhook answers and p50/p99 of its answer, against an empty Flask
endpoint on the same server in the same run, and the CPU the web processes spent per event
against the empty endpoint's per request (steadier than the rates on a shared machine); then
how long the burst took to be handled and p50/p99 of each reply's latency from arrival (the
inbox row's `received_at` to the outbox row's `sent_at`, the reply pushed to the LINE
simulator), for the burst and for a paced stream of events after it (`--paced-rate` per second:
the latency a resident sees when the town is not under a burst). Then LINE redelivers 1,000 of
the burst's events (5% at small sizes) and, once the inbox is drained, each event must have
been handled once and answered once. Each repeat starts on a fresh database (a new SQLite file,
or the PostgreSQL database dropped and created again). (The events carry no reply token: tokens
are the platform's to issue, and a made-up one would cost a refused reply before each push.)

    .venv/bin/python -m bench.line_inbound --size 20000
    .venv/bin/python -m bench.line_inbound --size 2000 \\
        --database-url postgresql://root@127.0.0.1:5432/bench_line_inbound
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

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from adapters.crypto import new_key
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.line.simulator.webhooks import sign
from adapters.persistence import migrating
from adapters.persistence.database import make_engine, normalize_url
from adapters.persistence.orm.messaging import inbox, outbox
from bench.common import (
    DEV_SECRET,
    call,
    cpu_seconds,
    free_port,
    median,
    percentile,
    process,
    report,
    simulator,
)

CONCURRENCY = 16
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
RESIDENTS = 2000
WARM = 50  # residents of the warm-up only
QUEUE = os.environ.get("BENCH_QUEUE", "in_process")  # or celery, with a worker elsewhere
HANDLERS_SHARE = {"in_process": ", with what the in-process handlers did meanwhile",
                  "celery": ": storing, waking and the loading dots"}


def _event(user: str, event_id: str, *, redelivery: bool = False) -> bytes:
    event = {
        "type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": redelivery}, "postback": {"data": "menu"},
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


def fresh_database(url: str | None, tmp: Path, prefix: str) -> str:
    """A new SQLite file, or the PostgreSQL database dropped and created again, migrated."""
    if url is None:
        url = f"sqlite:///{tmp / f'inbound-{prefix}.db'}"
    else:
        target = make_url(normalize_url(url))
        server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
        server.dispose()
    engine = make_engine(url)
    migrating.upgrade(engine)
    engine.dispose()
    return url


def paced(port: int, bodies: list[bytes], rate: float) -> int:
    """POST the bodies at `rate` a second from one connection; the number not answered 200."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started, errors = time.perf_counter(), 0
    for index, body in enumerate(bodies):
        wait = started + index / rate - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        connection.request("POST", "/line/webhook", body=body, headers={
            "Content-Type": "application/json", "X-Line-Signature": sign(DEV_SECRET, body)})
        response = connection.getresponse()
        response.read()
        errors += response.status != 200
    connection.close()
    return errors


def drained(engine, timeout: float = 600) -> float:  # type: ignore[no-untyped-def]
    """Wait until no event waits in the inbox and no reply in the outbox; when (perf_counter)."""
    deadline = time.monotonic() + timeout
    with engine.connect() as connection:
        while time.monotonic() < deadline:
            waiting = connection.execute(select(func.count()).select_from(inbox).where(
                inbox.c.processed_at.is_(None), inbox.c.failed_at.is_(None))).scalar_one()
            unsent = connection.execute(select(func.count()).select_from(outbox).where(
                outbox.c.status != "sent")).scalar_one()
            connection.rollback()
            if not waiting and not unsent:
                return time.perf_counter()
            time.sleep(0.05)
    raise RuntimeError("the inbox was not drained in time")


def reply_latencies(engine, prefix: str) -> list[float]:  # type: ignore[no-untyped-def]
    """Per event, from its arrival (inbox.received_at) to its reply's push (outbox.sent_at):
    a resident's events and replies are paired in order (each event has one reply)."""
    with engine.connect() as connection:
        events = connection.execute(
            select(inbox.c.address, inbox.c.received_at).where(inbox.c.external_id.like(
                f"01{prefix}%")).order_by(inbox.c.received_at, inbox.c.id)).all()
        replies = connection.execute(
            select(outbox.c.recipient, outbox.c.sent_at)
            .order_by(outbox.c.created_at, outbox.c.id)).all()
    sent: dict[str, list] = {}  # type: ignore[type-arg]
    for recipient, at in replies:
        sent.setdefault(recipient, []).append(at)
    arrived: dict[str, list] = {}  # type: ignore[type-arg]
    for address, at in events:
        arrived.setdefault(address, []).append(at)
    latencies = []
    for address, times in arrived.items():
        pushed = sent.get(address, [])[-len(times):]  # the last replies: this phase's
        latencies += [(b - a).total_seconds() for a, b in zip(times, pushed, strict=False)]
    return latencies


def run_once(size: int, database_url: str | None, tmp: Path, rate: float) -> dict:
    users = bulk_user_ids(DEV_SECRET, RESIDENTS + WARM)
    users, warm_users = users[:RESIDENTS], users[RESIDENTS:]
    prefix = f"{time.time_ns():x}"[-10:]
    bodies = [_event(users[i % RESIDENTS], f"01B{prefix}{i:09d}") for i in range(size)]
    replay = [_event(users[i % RESIDENTS], f"01B{prefix}{i:09d}", redelivery=True)
              for i in range(0, size, max(1, size // min(1000, size // 20 or 1)))]
    slow = [_event(users[(7 * i) % RESIDENTS], f"01P{prefix}{i:09d}")
            for i in range(min(size // 4, int(rate * 10)))]
    url = fresh_database(database_url, tmp, prefix)
    engine = make_engine(url)
    keys = new_key()
    with simulator(users=RESIDENTS + WARM) as line_url:
        env = {"DATABASE_URL": url, "MADOGUCHI_DATA_KEYS": keys, "MADOGUCHI_DATA_DIR": str(tmp),
               "LINE_API_BASE_URL": line_url, "MADOGUCHI_TASK_QUEUE": QUEUE}
        empty_port, app_port = free_port(), free_port()
        with gunicorn("bench.empty_app:app", empty_port, env, tmp / "empty.log") as empty:
            fire(empty_port, bodies[: min(500, size)])  # warm up
            base_cpu = cpu_seconds(empty.pid)
            base_elapsed, base_latencies, base_errors = fire(empty_port, bodies)
            base_cpu = cpu_seconds(empty.pid) - base_cpu
        with gunicorn("entrypoints.wsgi:app", app_port, env, tmp / "app.log") as app:
            fire(app_port, [_event(warm_users[i % WARM], f"01W{prefix}{i:010d}")
                            for i in range(min(200, size))])
            drained(engine)
            started, app_cpu = time.perf_counter(), cpu_seconds(app.pid)
            elapsed, latencies, errors = fire(app_port, bodies)
            app_cpu = cpu_seconds(app.pid) - app_cpu
            _, _, replay_errors = fire(app_port, replay)  # LINE redelivers some
            burst_done = drained(engine) - started
            burst_replies = reply_latencies(engine, f"B{prefix}")
            paced_errors = paced(app_port, slow, rate)
            drained(engine)
            paced_replies = reply_latencies(engine, f"P{prefix}")
        stats = call(line_url, "GET", "/_sim/stats")
    with engine.connect() as connection:
        handled = connection.execute(
            select(func.count()).select_from(inbox).where(
                inbox.c.external_id.like(f"01B{prefix}%"),
                inbox.c.processed_at.is_not(None))).scalar_one()
        replies = connection.execute(select(func.count()).select_from(outbox)).scalar_one()
    engine.dispose()
    expected = size + len(slow) + min(200, size)  # each event writes one reply
    return {
        "rate": size / elapsed, "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99), "errors": errors + replay_errors + paced_errors,
        "base_rate": size / base_elapsed, "base_p50": percentile(base_latencies, 0.5),
        "base_p99": percentile(base_latencies, 0.99), "base_errors": base_errors,
        "cpu": app_cpu / size, "base_cpu": base_cpu / size,
        "handled_rate": size / burst_done,
        "reply_p50": percentile(burst_replies, 0.5), "reply_p99": percentile(burst_replies, 0.99),
        "paced_p50": percentile(paced_replies, 0.5), "paced_p99": percentile(paced_replies, 0.99),
        "paced": len(slow), "handled": handled, "replayed": len(replay),
        "extra_replies": replies - expected, "lost_replies": max(0, expected - replies),
        "duplicate_deliveries": stats.get("duplicate_deliveries", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000, help="webhook events per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None,
                        help="a scratch PostgreSQL database, dropped and created each repeat "
                             "(default: a fresh SQLite file each repeat)")
    parser.add_argument("--paced-rate", type=float, default=50.0,
                        help="events/s of the paced stream after the burst")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for _ in range(args.repeat):
            runs.append(run_once(args.size, args.database_url, Path(tmp), args.paced_rate))
            print("run:", {k: round(v, 3) for k, v in runs[-1].items()}, flush=True)
    ms = 1000

    def mid(key: str) -> float:
        return median([r[key] for r in runs])

    database = "PostgreSQL" if args.database_url else "SQLite"
    report(f"LINE inbound on {database}, {args.size:,} signed postbacks, gunicorn 2 workers x "
           f"{THREADS} threads, {CONCURRENCY} connections, median of {args.repeat}", [
        ("Madoguchi webhook", f"{mid('rate'):,.0f} events/s answered, p50 {mid('p50') * ms:.1f} "
                              f"ms, p99 {mid('p99') * ms:.1f} ms"),
        ("empty Flask endpoint", f"{mid('base_rate'):,.0f} requests/s, p50 "
                                 f"{mid('base_p50') * ms:.1f} ms, "
                                 f"p99 {mid('base_p99') * ms:.1f} ms"),
        ("ratio (events/s)", f"{median([r['rate'] / r['base_rate'] for r in runs]):.2f}"),
        ("ratio (CPU)", f"{median([r['base_cpu'] / r['cpu'] for r in runs]):.2f} (the empty "
                        "endpoint's CPU per request to the webhook's per event)"),
        ("web CPU per event", f"{mid('cpu') * ms:.2f} ms (the empty endpoint "
                              f"{mid('base_cpu') * ms:.2f} ms a request; gunicorn's master and "
                              f"workers while the burst was answered{HANDLERS_SHARE[QUEUE]})"),
        ("burst handled", f"{mid('handled_rate'):,.0f} events/s (arrival of the first to the "
                          f"last reply pushed); reply from arrival p50 "
                          f"{mid('reply_p50') * ms:,.0f} ms, p99 {mid('reply_p99') * ms:,.0f} ms"),
        (f"paced {args.paced_rate:g}/s", f"{runs[-1]['paced']:,} events: reply from arrival p50 "
                                         f"{mid('paced_p50') * ms:,.0f} ms, p99 "
                                         f"{mid('paced_p99') * ms:,.0f} ms"),
        ("goals", "ratio ≥ 0.30, reply p99 ≤ 1 s from arrival"),
        ("runs (events/s)", ", ".join(f"{r['rate']:,.0f}" for r in runs)),
        ("handled once", "; ".join(
            f"{r['handled']:,} of {args.size:,} after {r['replayed']:,} redeliveries (lost: "
            f"{args.size - r['handled']}, answered twice: {r['extra_replies']}, unanswered: "
            f"{r['lost_replies']}, pushed twice: {r['duplicate_deliveries']})" for r in runs)),
        ("errors", f"{sum(r['errors'] for r in runs)} (non-200 answers)"),
    ])


if __name__ == "__main__":
    main()
