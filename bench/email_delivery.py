"""Outbound e-mail: personalised notices from the outbox, through the e-mail adapter (smtplib),
to a local SMTP server (aiosmtpd, the simulator's mail catcher) in its own process.

Prints messages/s for Madoguchi's dispatcher (outbox → adapter → SMTP; --processes dispatcher
processes, as a town runs one per web or worker process, each with THREADS send threads over
kept connections) and the server's own ceiling measured in the same run (raw smtplib
sends of prebuilt messages: on one connection, and on THREADS connections at once; the ratio is
to the higher), then a pass with faults injected (every 20th DATA answered 451) counting lost
and duplicate mails by Message-ID, which must be 0 and 0. Medians of --repeat runs.

    .venv/bin/python -m bench.email_delivery --size 5000
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import json
import logging
import multiprocessing
import smtplib
import tempfile
import threading
import time
from collections import Counter
from email.message import EmailMessage
from multiprocessing.connection import Connection
from pathlib import Path

from sqlalchemy import insert

from adapters.crypto import FieldCipher, new_key
from adapters.email.mailer import SmtpMailer
from adapters.email.rendering import MailIdentity
from adapters.line.simulator.mail_catcher import MailCatcher
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.messaging import outbox
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock
from application.messaging.codec import messages_to_json
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import OutboxStatus
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from bench.common import drain_outbox, fresh_database, median, report, unit_of_work

THREADS = 8
SENDER = MailIdentity(town_name="見本町", address="noreply@town.example.jp")


class BenchLinks:
    """Personal links as the web channel makes them (a signed token per message)."""

    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        return f"https://town.example.jp/r/{message_id}"


# -- the SMTP server, in its own process ---------------------------------------------------------

def _serve(pipe: Connection) -> None:
    """Runs a catcher and answers commands: ("faults", n), ("stats",), ("reset",), ("stop",)."""
    catcher = MailCatcher().start()
    pipe.send(catcher.port)
    while True:
        command, *args = pipe.recv()
        if command == "faults":
            catcher.defer_every = args[0]
        elif command == "reset":
            catcher.clear()
        elif command == "stats":
            ids = Counter(str(m.message["Message-ID"]) for m in catcher.mails)
            pipe.send({"accepted": len(catcher.mails), "distinct": len(ids),
                       "duplicates": sum(n - 1 for n in ids.values()),
                       "deferred": catcher.deferred})
            continue
        elif command == "stop":
            catcher.stop()
            pipe.send("stopped")
            return
        pipe.send("ok")


class Server:
    def __init__(self) -> None:
        self._pipe, child = multiprocessing.get_context("fork").Pipe()
        self._process = multiprocessing.get_context("fork").Process(target=_serve,
                                                                    args=(child,))
        self._process.start()
        self.port: int = self._pipe.recv()

    def ask(self, *command: object) -> object:
        self._pipe.send(command)
        return self._pipe.recv()

    def stop(self) -> None:
        self.ask("stop")
        self._process.join(timeout=10)


# -- the ceiling ----------------------------------------------------------------------------------

def ceiling(port: int, count: int, connections: int) -> float:
    """Raw smtplib: prebuilt messages sent as fast as the server takes them."""
    prebuilt = []
    for index in range(count):
        mail = EmailMessage()
        mail["From"], mail["To"] = SENDER.address, f"ceiling{index}@example.jp"
        mail["Subject"] = "【見本町】天井の測定"
        mail["Message-ID"] = f"<ceiling-{index}@town.example.jp>"
        mail.set_content("天井の測定です。\n")
        mail.add_alternative("<p>天井の測定です。</p>", subtype="html")
        prebuilt.append((mail["To"], mail.as_bytes()))
    work = iter(prebuilt)
    lock = threading.Lock()

    def worker() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as connection:
            while True:
                with lock:
                    item = next(work, None)
                if item is None:
                    return
                connection.sendmail(SENDER.address, [item[0]], item[1])

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return count / (time.perf_counter() - started)


# -- the dispatcher -------------------------------------------------------------------------------

def seed_outbox(engine, size: int) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    rows = []
    for index in range(size):
        notice = OutgoingMessage(
            text=f"見本町からのお知らせです。世帯番号 H{index:07d} のご世帯は、物価高騰対策給付金"
                 "（70,000円）の対象です。申請しますか？", alt_text="給付金のお知らせ",
            choices=(Choice("はい", "apply:yes"), Choice("いいえ", "apply:no")),
            style=MessageStyle.BUTTONS)
        rows.append({
            "id": f"E{index:025d}", "channel": "email", "recipient": f"r{index}@example.jp",
            "payload": {"messages": messages_to_json([notice])}, "status": "pending",
            "attempts": 0, "last_error": "", "created_at": now, "version": 1,
        })
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(insert(outbox), rows[start:start + 5000])


def dispatch(database_url: str, port: int, size: int,
             processes: int) -> tuple[float, dict]:  # type: ignore[type-arg]
    """Seed the outbox, then drain it with `processes` dispatcher processes (as a town runs one
    per web or worker process); messages/s over the whole drain."""
    engine = make_engine(database_url)
    migrating.upgrade(engine)
    seed_outbox(engine, size)
    engine.dispose()
    elapsed, counts = drain_outbox(database_url, _drain, (port,), processes)
    return size / elapsed, counts


def _drain(database_url: str, port: int) -> None:
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    mailer = SmtpMailer(host="127.0.0.1", port=port, starttls=False, sender=SENDER,
                        links=BenchLinks(), keep_open=THREADS)
    executor = concurrent.futures.ThreadPoolExecutor(THREADS)
    while True:
        done = deliver_outbox(uow_factory=lambda: unit_of_work(sessions),
                              channels={"email": mailer}, clock=SystemClock(), limit=500,
                              executor=executor)
        if not done.handled:
            with unit_of_work(sessions) as uow:
                counts = uow.queries.messages.outbox_counts()
            if counts.get(OutboxStatus.PENDING, 0) == 0:
                break
            time.sleep(0.05)  # a few wait out their back-off, or another process holds them
            with engine.begin() as connection:  # back-offs are seconds long; cut short here
                connection.execute(outbox.update().where(outbox.c.status == "pending")
                                   .values(next_attempt_at=None))
    executor.shutdown()
    mailer.close()
    engine.dispose()


def run_once(size: int, server: Server, database_url: str | None, faults: bool,
             processes: int) -> dict:  # type: ignore[type-arg]
    server.ask("reset")
    one = many = None
    if not faults:
        one = ceiling(server.port, size, 1)
        many = ceiling(server.port, size, THREADS)
        server.ask("reset")
    server.ask("faults", 20 if faults else 0)
    with tempfile.TemporaryDirectory() as tmp, \
            fresh_database(database_url, Path(tmp), "madoguchi_bench_email") as url:
        rate, counts = dispatch(url, server.port, size, processes)
    return {"rate": rate, "one": one, "many": many, "counts": counts,
            "stats": server.ask("stats")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=5000, help="mails per run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--processes", type=int, default=2, help="dispatcher processes")
    args = parser.parse_args()
    # each 451 is a warning in service; here they are counted instead
    logging.getLogger("application.messaging.delivering_outbox").setLevel(logging.ERROR)
    orm.start_mappers(FieldCipher([new_key()]))
    server = Server()
    try:
        clean = [run_once(args.size, server, args.database_url, faults=False,
                          processes=args.processes) for _ in range(args.repeat)]
        faulty = run_once(args.size, server, args.database_url, faults=True,
                          processes=args.processes)
    finally:
        server.stop()
    rates = [r["rate"] for r in clean]
    ceilings = [max(r["one"], r["many"]) for r in clean]
    ratios = [r["rate"] / c for r, c in zip(clean, ceilings, strict=True)]
    report(f"E-mail outbound, {args.size:,} personalised notices, {args.processes} dispatcher "
           f"processes x {THREADS} send threads, median of {args.repeat}", [
        ("Madoguchi dispatcher", f"{median(rates):,.0f} messages/s  (runs: "
                                 + ", ".join(f"{r:,.0f}" for r in rates) + ")"),
        ("server ceiling, 1 connection", f"{median([r['one'] for r in clean]):,.0f} mails/s "
                                         "(raw smtplib, prebuilt, same run)"),
        (f"server ceiling, {THREADS} connections",
         f"{median([r['many'] for r in clean]):,.0f} mails/s"),
        ("ratio to the higher", f"{median(ratios):.2f}  (goal >= 0.5)"),
        ("clean runs' duplicates", ", ".join(str(r["stats"]["duplicates"]) for r in clean)),
    ])
    stats = faulty["stats"]
    report("with faults: every 20th DATA answered 451 (try again later)", [
        ("delivered", f"{faulty['counts'].get('sent', 0):,} of {args.size:,}, at "
                      f"{faulty['rate']:,.0f} messages/s"),
        ("451s answered", f"{stats['deferred']:,}"),
        ("duplicates", f"{stats['duplicates']}  (goal 0; by Message-ID)"),
        ("losses", f"{args.size - stats['distinct']}  (goal 0)"),
        ("outbox", json.dumps(faulty["counts"])),
    ])


if __name__ == "__main__":
    main()
