"""Outbound SMS: outbox → dispatcher → Twilio's SDK → the SMS stand-in.

Prints messages/s for Madoguchi's dispatcher (each message rendered and sent with one POST
through the `twilio` SDK, the outbox row claimed before and its outcome recorded after, in
batches; the SMS ledger is written only for tries that may have reached Twilio unanswered,
ADR 0044) and the stand-in's own ceiling measured in
the same run (bare keep-alive HTTP posts of the same form from threads in this process), then a
pass with faults injected (5% 500s before recording, 2% "accepted but the answer was lost", 2%
429s) counting duplicates and losses, which must be 0 and 0. Medians of --repeat runs.

    .venv/bin/python -m bench.sms_delivery --size 2000
"""

from __future__ import annotations

import argparse
import base64
import concurrent.futures
import contextlib
import datetime as dt
import http.client
import json
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import insert

from adapters.crypto import FieldCipher, new_key
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.messaging import outbox, sms_messages
from adapters.persistence.unit_of_work import session_factory
from adapters.sms.ledger import SqlSmsLedger
from adapters.sms.messenger import TwilioSms
from adapters.system import SystemClock
from application.messaging.codec import messages_to_json
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import OutboxStatus
from application.ports.messaging import Choice, OutgoingMessage
from bench.common import (
    call,
    drain_outbox,
    free_port,
    fresh_database,
    median,
    process,
    report,
    unit_of_work,
)

THREADS = 8
SID, TOKEN, SENDER = "AC" + "0" * 32, "bench-twilio-token", "+815000000000"


class _Links:
    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        return f"https://town.example/r/{message_id}"


@contextlib.contextmanager
def standin() -> Iterator[str]:
    """The SMS stand-in in its own process (waitress), so it does not share our interpreter."""
    port = free_port()
    code = ("from adapters.line.simulator.sms import serve_sms_standin\n"
            f"serve_sms_standin('127.0.0.1', {port}, account_sid={SID!r}, "
            f"auth_token={TOKEN!r}, from_number={SENDER!r})")
    url = f"http://127.0.0.1:{port}"
    with process([sys.executable, "-c", code], url=url + "/_sim/sms/stats"):
        yield url


def _number(index: int) -> str:
    return f"+8190{index:08d}"


def seed_outbox(engine, size: int) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    rows = []
    for index in range(size):
        message = OutgoingMessage(
            text=f"【物価高騰対策給付金】世帯番号 H{index:07d} のご世帯は70,000円の対象です。",
            choices=(Choice("申請する", f"bnf:a{index}:yes"),))
        rows.append({"id": f"S{index:025d}", "channel": "sms", "recipient": _number(index),
                     "payload": {"messages": messages_to_json([message])},
                     "status": "pending", "attempts": 0, "last_error": "",
                     "created_at": now, "version": 1})
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(outbox), rows[start:start + 5000])


def ceiling(base_url: str, size: int) -> float:
    """The stand-in's own pace: the same form posted from THREADS keep-alive connections."""
    host, port = base_url.removeprefix("http://").split(":")
    auth = base64.b64encode(f"{SID}:{TOKEN}".encode()).decode()
    headers = {"Authorization": f"Basic {auth}",
               "Content-Type": "application/x-www-form-urlencoded"}
    path = f"/2010-04-01/Accounts/{SID}/Messages.json"
    counter = iter(range(size))
    lock = threading.Lock()
    done = 0

    def worker() -> None:
        nonlocal done
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            body = urllib.parse.urlencode({
                "To": _number(size + index), "From": SENDER,
                "Body": f"天井の測定 {index}: https://town.example/r/{index}",
                "StatusCallback": "https://town.example/sms/status"})
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status == 201:
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


def dispatch(database_url: str, base_url: str, size: int,
             processes: int) -> tuple[float, dict]:
    """Seed the outbox, then drain it with `processes` dispatcher processes of THREADS send
    threads each (as a town runs one per web or worker process); messages/s over the drain."""
    engine = make_engine(database_url)
    migrating.upgrade(engine)
    with engine.begin() as connection:  # a --database-url is used run after run
        connection.execute(outbox.delete())
        connection.execute(sms_messages.delete())
    seed_outbox(engine, size)
    engine.dispose()
    elapsed, counts = drain_outbox(database_url, _drain, (base_url,), processes)
    return size / elapsed, counts


def _drain(database_url: str, base_url: str) -> None:
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    sms = TwilioSms(account_sid=SID, auth_token=TOKEN, from_number=SENDER,
                    status_callback_url="https://town.example/sms/status", links=_Links(),
                    ledger=SqlSmsLedger(engine), api_base_url=base_url, backoff=0.01,
                    pool_size=THREADS * 2)
    executor = concurrent.futures.ThreadPoolExecutor(THREADS)
    while True:
        handled = deliver_outbox(uow_factory=lambda: unit_of_work(sessions),
                                 channels={"sms": sms}, clock=SystemClock(), limit=200,
                                 executor=executor).handled
        if not handled:
            with unit_of_work(sessions) as uow:
                counts = uow.queries.messages.outbox_counts()
            if counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0) == 0:
                break
            time.sleep(0.1)  # a few wait out their back-off, or another process holds them
            with engine.begin() as connection:  # back-offs cut short to keep the run quick
                connection.execute(outbox.update().where(outbox.c.status == "pending")
                                   .values(next_attempt_at=None))
    executor.shutdown()
    engine.dispose()


def run_once(size: int, database_url: str | None, faults: bool, processes: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp, standin() as base_url:
        measured = None if faults else ceiling(base_url, size)
        before = call(base_url, "GET", "/_sim/sms/stats")["messages"]
        if faults:
            call(base_url, "POST", "/_sim/sms/faults",
                 {"error_rate": 0.05, "lost_rate": 0.02, "throttle_rate": 0.02, "seed": 7})
        with fresh_database(database_url, Path(tmp), "madoguchi_bench_sms") as url:
            rate, counts = dispatch(url, base_url, size, processes)
            stats = call(base_url, "GET", "/_sim/sms/stats")
    return {"rate": rate, "ceiling": measured, "counts": counts,
            "received": stats["messages"] - before, "duplicates": stats["duplicates"],
            "requests": stats["requests"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=2000, help="messages per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--processes", type=int, default=2, help="dispatcher processes")
    args = parser.parse_args()
    orm.start_mappers(FieldCipher([new_key()]))

    clean = [run_once(args.size, args.database_url, faults=False, processes=args.processes)
             for _ in range(args.repeat)]
    faulty = run_once(args.size, args.database_url, faults=True, processes=args.processes)
    rates = [r["rate"] for r in clean]
    ratios = [r["rate"] / r["ceiling"] for r in clean]
    report(f"SMS outbound, {args.size:,} personal notices (one link each), "
           f"{args.processes} dispatcher processes x {THREADS} threads, median of {args.repeat}", [
        ("Madoguchi dispatcher", f"{median(rates):,.0f} messages/s  (runs: "
                                 + ", ".join(f"{r:,.0f}" for r in rates) + ")"),
        ("stand-in ceiling", f"{median([r['ceiling'] for r in clean]):,.0f} posts/s "
                             "(bare HTTP, same run)"),
        ("ratio", f"{median(ratios):.2f}  (goal >= 0.5)"),
    ])
    report("with faults: 5% 500s, 2% lost answers, 2% 429s", [
        ("delivered", f"{faulty['counts'].get('sent', 0):,} of {args.size:,}, at "
                      f"{faulty['rate']:,.0f} messages/s"),
        ("requests to the stand-in", f"{faulty['requests']:,}"),
        ("duplicates", f"{faulty['duplicates']}  (goal 0)"),
        ("losses", f"{args.size - faulty['received']}  (goal 0)"),
        ("outbox", json.dumps(faulty["counts"])),
    ])


if __name__ == "__main__":
    main()
