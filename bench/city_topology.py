"""The city-sized topology, run for real: Procfile.city under honcho, a campaign and a burst.

Starts the whole topology as `make city` does (honcho with Procfile.city: gunicorn with
several gthread workers, Celery workers for the `jobs`, `outbox` and `inbound` queues, beat) on
a scratch PostgreSQL database made for the run and dropped after it, and a dedicated Redis
database flushed before it, pointed at the LINE simulator. Then:

1. seeds a town as bench.benefit_campaign does (`--size` households, every other one reachable:
   a verified head following on LINE) and imports the eligibility list (not timed);
2. starts the campaign as staff do (`start_campaign`: a job on the `jobs` queue; its pages wake
   the `outbox` workers, which push to the simulator) and times it until every notice is sent,
   against the simulator's push ceiling measured in the same run; reads every notice back
   (0 lost, 0 duplicated);
3. fires a burst of signed はい postbacks (`bnf:<application id>:yes`) from the notified heads,
   plus 5% redeliveries, at the gunicorn web process, against an empty Flask endpoint under the
   same gunicorn settings in the same run; waits until the inbox is handled and the outbox
   sent; checks 0 lost confirmations and 0 doubled replies.

Everything it started is stopped at the end (honcho's processes by their process groups).

    .venv/bin/python -m bench.city_topology --size 2000
    .venv/bin/python -m bench.city_topology --size 20000 --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import redis
from sqlalchemy import func, select

from adapters.background.celery_queue import CeleryJobQueue, make_celery
from adapters.banks.zengin_master import ZenginBankMaster
from adapters.crypto import FieldCipher, new_key
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm import jobs as job_tables
from adapters.persistence.orm import messaging as messaging_tables
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.access.actor import Actor
from application.benefits.notices import ANSWER_YES, NOTICE_PREFIX
from application.benefits.sending_campaign import start_campaign
from application.jobs.job import JobStatus
from application.messaging.outbox import OutboxStatus
from application.messaging.telling import ContactPolicy
from bench.benefit_campaign import (
    PROGRAM_ID,
    RECEIVED,
    analyze,
    check_notices,
    notified,
    reachable,
    read_back,
    seed,
    snapshot,
    tap_event,
    time_import,
    write_list,
)
from bench.common import (
    DEV_SECRET,
    DEV_TOKEN,
    ROOT,
    call,
    free_port,
    fresh_database,
    median,
    report,
    simulator,
)
from bench.common import unit_of_work as bench_uow
from bench.line_inbound import CONCURRENCY, fire, gunicorn
from bench.line_inbound import THREADS as WEB_THREADS
from bench.line_outbound import ceiling

WEB_WORKERS = 2  # as Procfile.city's default
REDIS_URL = "redis://127.0.0.1:6379/11"  # a database of its own, flushed at each run
_STARTED = re.compile(r"\b(\S+) started \(pid=(\d+)\)")


# -- the topology -------------------------------------------------------------------------------


def topology_env(database_url: str, redis_url: str, line_url: str, keys: str,
                 data_dir: Path) -> dict[str, str]:
    """The environment `make city` reads from .env.city, for a town on the simulator."""
    venv_bin = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
            "MADOGUCHI_ENV": "development", "MADOGUCHI_LOG_FORMAT": "json",
            "DATABASE_URL": database_url, "MADOGUCHI_DATA_KEYS": keys,
            "MADOGUCHI_DATA_DIR": str(data_dir), "MADOGUCHI_TASK_QUEUE": "celery",
            "CELERY_BROKER_URL": redis_url, "LINE_API_BASE_URL": line_url,
            "LINE_CHANNEL_SECRET": DEV_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": DEV_TOKEN,
            "MADOGUCHI_WEB_WORKERS": str(WEB_WORKERS), "MADOGUCHI_WEB_THREADS": str(WEB_THREADS)}


@contextlib.contextmanager
def topology(env: dict[str, str], log: Path, *, port: int | None = None,
             timeout: float = 120.0) -> Iterator[int]:
    """honcho running Procfile.city; yields the web port once /healthz answers. On the way out
    honcho is interrupted as Ctrl-C does, and any process it started that outlived it is killed
    with its process group: nothing is left running."""
    port = port or free_port()
    honcho = str(Path(sys.executable).parent / "honcho")
    out = log.open("w")
    proc = subprocess.Popen(
        [honcho, "-f", str(ROOT / "Procfile.city"), "-e", "/dev/null", "start", "-p", str(port)],
        cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        try:
            _wait_healthy(port, proc, timeout)
        except RuntimeError:
            out.flush()
            print("\n".join(log.read_text(errors="replace").splitlines()[-30:]), file=sys.stderr)
            raise
        yield port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.close()
        for pid in started_pids(log.read_text(errors="replace")).values():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)  # honcho's children lead their own groups


def started_pids(log: str) -> dict[str, int]:
    """The processes honcho says it started: name → pid."""
    return {name: int(pid) for name, pid in _STARTED.findall(log)}


def _wait_healthy(port: int, proc: subprocess.Popen, timeout: float) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"honcho stopped (exit {proc.returncode}) before the web answered")
        with contextlib.suppress(OSError), urllib.request.urlopen(
                f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
            if answer.status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"the web process did not answer /healthz within {timeout:.0f} s")


def flush_redis(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


# -- the campaign and the burst, against it ------------------------------------------------------


def start(engine, redis_url: str) -> str:  # type: ignore[no-untyped-def]
    """The campaign as staff start it: a job handed to the `jobs` queue. Returns the job id."""
    sessions = session_factory(engine)
    campaign = start_campaign(PROGRAM_ID, actor=Actor.operator("bench"), uow=bench_uow(sessions),
                              queue=CeleryJobQueue(make_celery(redis_url)), ids=TimeOrderedIds(),
                              clock=SystemClock(), banks=ZenginBankMaster(),
                              policy=ContactPolicy())
    return campaign.job_id


def outbox_waiting(engine) -> int:  # type: ignore[no-untyped-def]
    o = messaging_tables.outbox
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(o).where(
            o.c.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))).scalar_one()


def inbox_waiting(engine) -> int:  # type: ignore[no-untyped-def]
    i = messaging_tables.inbox
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(i).where(
            i.c.processed_at.is_(None))).scalar_one()


def job_status(engine, job_id: str) -> JobStatus:  # type: ignore[no-untyped-def]
    j = job_tables.jobs
    with engine.connect() as connection:
        value = connection.execute(select(j.c.status).where(j.c.id == job_id)).scalar_one()
    return value if isinstance(value, JobStatus) else JobStatus(value)


def wait_until(done, timeout: float, step: float = 0.2) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def campaign(engine, redis_url: str, timeout: float) -> dict:  # type: ignore[type-arg, no-untyped-def]
    started = time.perf_counter()
    job_id = start(engine, redis_url)
    finished = wait_until(lambda: job_status(engine, job_id) in (
        JobStatus.SUCCEEDED, JobStatus.FAILED) and outbox_waiting(engine) == 0, timeout)
    return {"seconds": time.perf_counter() - started, "finished": finished,
            "job": job_status(engine, job_id).value, "unsent": outbox_waiting(engine)}


def burst(engine, port: int, line_url: str, taps: list[tuple[str, str]],  # type: ignore[no-untyped-def]
          timeout: float) -> dict:  # type: ignore[type-arg]
    """はい from each notified head, then 5% of the events again as LINE redelivers them."""
    prefix = f"{time.time_ns():x}"[-10:]
    bodies = [tap_event(user, f"{NOTICE_PREFIX}{app}:{ANSWER_YES}", f"01TAP{prefix}{n:011d}")
              for n, (user, app) in enumerate(taps)]
    again = [tap_event(user, f"{NOTICE_PREFIX}{app}:{ANSWER_YES}", f"01TAP{prefix}{n:011d}",
                       redelivery=True) for n, (user, app) in enumerate(taps) if n % 20 == 0]
    warm = [tap_event(user, "menu", f"01WARM{prefix}{n:010d}") for n, (user, _) in
            enumerate(taps[:100])]
    fire(port, warm)  # each web worker's first requests load what it lazily loads
    wait_until(lambda: inbox_waiting(engine) == 0 and outbox_waiting(engine) == 0, timeout)
    call(line_url, "POST", "/_sim/reset")
    started = time.perf_counter()
    elapsed, _, errors = fire(port, bodies + again)
    handled = wait_until(lambda: inbox_waiting(engine) == 0 and outbox_waiting(engine) == 0,
                         timeout)
    done = time.perf_counter() - started
    state = snapshot(engine, [app for _, app in taps])
    replies = read_back(line_url, sorted({user for user, _ in taps}))
    per_user = [sum(RECEIVED in json.dumps(m["message"], ensure_ascii=False) for m in messages)
                for messages in replies.values()]
    return {"posted": len(bodies) + len(again), "redelivered": len(again), "elapsed": elapsed,
            "until_handled": done, "handled": handled, "errors": errors,
            "lost": len(taps) - state["confirmed"],
            "doubled": state["confirmed_more_than_once"] + sum(max(0, n - 1) for n in per_user),
            "without_reply": len(taps) - sum(1 for n in per_user if n >= 1),
            "inbox_left": inbox_waiting(engine), "outbox_left": outbox_waiting(engine)}


def baseline(env: dict[str, str], taps: list[tuple[str, str]], tmp: Path) -> float:
    """The same posts at an empty Flask endpoint under the same gunicorn settings."""
    bodies = [tap_event(user, f"{NOTICE_PREFIX}{app}:{ANSWER_YES}", f"01BASE{n:011d}")
              for n, (user, app) in enumerate(taps)]
    bodies += bodies[::20]
    port = free_port()
    with gunicorn("bench.empty_app:app", port, env, tmp / "empty.log"):
        fire(port, bodies[:200])
        elapsed, _, _ = fire(port, bodies)
    return len(bodies) / elapsed


def run_once(size: int, admin_url: str, redis_url: str, keys: str, *, burst_size: int | None,
             ceiling_seconds: float = 10.0, timeout: float = 600.0) -> dict:  # type: ignore[type-arg]
    """One run on a fresh database and a flushed Redis database; the figures and the checks."""
    on_line = sum(1 for i in range(size) if reachable(i))
    flush_redis(redis_url)
    with tempfile.TemporaryDirectory() as tmp_name, \
            fresh_database(admin_url, Path(tmp_name), "madoguchi_bench_city") as url:
        tmp = Path(tmp_name)
        users = bulk_user_ids(DEV_SECRET, on_line)
        engine = make_engine(url)
        migrating.upgrade(engine)
        seed(engine, size, users)
        write_list(size, tmp / "eligible.csv")
        time_import(engine, tmp / "eligible.csv", size)
        analyze(engine)
        with simulator(users=on_line) as line_url:
            pushes = (users * (1 + 5_000 // max(1, on_line)))[:max(on_line, 5_000)]
            push_ceiling = ceiling(line_url, pushes, ceiling_seconds)
            call(line_url, "POST", "/_sim/reset")
            env = topology_env(url, redis_url, line_url, keys, tmp)
            log = tmp / "honcho.log"
            try:
                with topology(env, log) as port:
                    sent = campaign(engine, redis_url, timeout)
                    pairs = notified(engine)
                    notices = check_notices(line_url, dict(pairs))
                    taps = pairs[:burst_size] if burst_size is not None else pairs
                    # beside the idle topology, so both meet the same machine
                    empty_rate = baseline(env, taps, tmp)
                    tapped = burst(engine, port, line_url, taps, timeout)
            finally:
                processes = started_pids(log.read_text(errors="replace")) if log.exists() else {}
                text = log.read_text(errors="replace") if log.exists() else ""
                flush_redis(redis_url)  # nothing of the run stays in Redis
        engine.dispose()
    return {"size": size, "on_line": on_line, "ceiling": push_ceiling, "campaign": sent,
            "notices": notices, "burst": tapped, "empty_rate": empty_rate,
            "processes": sorted(processes), "log_lines": len(text.splitlines()),
            "json_lines": sum(1 for line in text.splitlines()
                              if re.search(r"\|\s*\{\"time\"", line))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="eligible households")
    parser.add_argument("--burst", type=int, default=None,
                        help="はい taps (default: every notified household)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default="postgresql://root@127.0.0.1:5432/test",
                        help="a PostgreSQL server; a scratch database is made and dropped")
    parser.add_argument("--redis-url", default=REDIS_URL,
                        help="a Redis database of its own: flushed at each run")
    parser.add_argument("--ceiling-seconds", type=float, default=10.0)
    args = parser.parse_args()
    keys = new_key()
    orm.start_mappers(FieldCipher([keys]))
    runs = [run_once(args.size, args.database_url, args.redis_url, keys, burst_size=args.burst,
                     ceiling_seconds=args.ceiling_seconds) for _ in range(args.repeat)]
    last = runs[-1]
    rates = [r["on_line"] / r["campaign"]["seconds"] for r in runs]
    taps = [r["burst"]["posted"] / r["burst"]["elapsed"] for r in runs]
    to_ceiling = [a / r["ceiling"] for a, r in zip(rates, runs, strict=True)]
    to_empty = [t / r["empty_rate"] for t, r in zip(taps, runs, strict=True)]
    handled_in = median([r["burst"]["until_handled"] for r in runs])
    report(f"city topology (Procfile.city under honcho: {', '.join(last['processes'])}), "
           f"{args.size:,} households on PostgreSQL, median of {args.repeat}", [
        ("campaign → simulator", f"{median(rates):,.0f} messages/s ({last['on_line']:,} notices: "
                                 f"start_campaign → jobs worker → outbox worker → simulator)"),
        ("simulator push ceiling", f"{median([r['ceiling'] for r in runs]):,.0f} pushes/s "
                                   "(bare HTTP, same run)"),
        ("ratio to the ceiling", f"{median(to_ceiling):.2f}"),
        ("notices", "; ".join(f"missing {r['notices']['missing']}, duplicates "
                              f"{r['notices']['duplicates']}, wrong {r['notices']['wrong']}, "
                              f"job {r['campaign']['job']}" for r in runs)),
        ("burst: webhook", f"{median(taps):,.0f} taps/s ({last['burst']['posted']:,} posts, "
                           f"{last['burst']['redelivered']:,} of them redeliveries; web "
                           f"{WEB_WORKERS} workers x {WEB_THREADS} threads, {CONCURRENCY} "
                           "connections)"),
        ("burst: empty Flask endpoint", f"{median([r['empty_rate'] for r in runs]):,.0f} "
                                        "requests/s (same gunicorn settings, same run)"),
        ("burst: ratio", f"{median(to_empty):.2f}"),
        ("burst: until all handled", f"{handled_in:.1f} s"),
        ("confirmations", "; ".join(f"lost {r['burst']['lost']}, doubled replies "
                                    f"{r['burst']['doubled']}, without reply "
                                    f"{r['burst']['without_reply']}" for r in runs)
                          + " (goal 0, 0, 0)"),
        ("left over", "; ".join(f"inbox {r['burst']['inbox_left']}, outbox "
                                f"{r['burst']['outbox_left']}, errors {r['burst']['errors']}"
                                for r in runs)),
        ("logs", f"{last['json_lines']:,} of {last['log_lines']:,} lines JSON (the rest: "
                 "honcho's own, Celery's banner)"),
        ("runs (messages/s; taps/s)", ", ".join(f"{a:,.0f}; {t:,.0f}"
                                               for a, t in zip(rates, taps, strict=True))),
    ])


if __name__ == "__main__":
    main()
