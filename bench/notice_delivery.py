"""A notice (お知らせ配信, ADR 0058) to a segment of `--size` people, end to end through the LINE
simulator, against the simulator's own multicast ceiling measured in the same run.

Seeds `--size` residents, each verified and linked to a following LINE identity of a simulator
user (one in `--sms-every` on SMS instead, through the SMS stand-in's in-process fake, when set),
with their segment rows; then, timed, with the real use cases: `send_notice` (the segment's
members paged through the SQL query, one recipient row and one outbox row per person) while
`--processes` dispatcher processes drain the outbox to the simulator (LINE multicasts of 500),
until every message is out. Then every user's inbox is read back from the simulator: exactly
one notice each.

The ceiling is the simulator's pace at raw multicast requests of 500 recipients from 8
keep-alive connections (nothing else in the way): the most any sender could get out of it. The
push ceiling (one message a request, as bench.line_outbound measures it) is printed beside it:
what sending each person their own message would be held to.

    .venv/bin/python -m bench.notice_delivery --size 100000
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import http.client
import json
import multiprocessing
import tempfile
import threading
import time
import uuid
from pathlib import Path

from sqlalchemy import func, insert, select

from adapters.crypto import FieldCipher, new_key
from adapters.line.messenger import LineMessenger
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm import messaging as messaging_tables
from adapters.persistence.orm import residents as resident_tables
from adapters.persistence.orm.notices import notice_recipients
from adapters.persistence.orm.segments import resident_profiles
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.access.actor import Actor
from application.jobs.job import Job
from application.messaging.delivering_outbox import deliver_outbox
from application.messaging.outbox import OutboxStatus
from application.messaging.telling import ContactPolicy
from application.notices.composing import ComposeNotice, compose_notice
from application.notices.sending import send_notice
from bench.benefit_campaign import read_back
from bench.common import DEV_SECRET, DEV_TOKEN, call, report, simulator, unit_of_work
from bench.line_outbound import ceiling as push_ceiling
from domain.access import Role
from domain.channels import IdentityStatus
from domain.residents import RegistryStatus, VerificationState

CHUNK = 5000
THREADS = 8
MULTICAST = 500
PUBLIC = "https://town.example"


def seed(engine, size: int, users: list[str]) -> None:  # type: ignore[no-untyped-def]
    now = dt.datetime.now(dt.UTC)
    for start in range(0, size, CHUNK):
        residents, identities, profiles = [], [], []
        for i in range(start, min(size, start + CHUNK)):
            residents.append({
                "id": f"R{i:09d}", "resident_number": f"{i:012d}",
                "household_number": f"H{i:08d}", "registry_status": RegistryStatus.RESIDENT,
                "verification_state": VerificationState.VERIFIED, "created_at": now})
            identities.append({
                "id": f"I{i:09d}", "channel": "line", "address": users[i],
                "status": IdentityStatus.FOLLOWING, "resident_id": f"R{i:09d}",
                "created_at": now, "status_changed_at": now})
            profiles.append({"resident_id": f"R{i:09d}", "area": f"本町{i % 5 + 1}丁目",
                             "birth_month": 1960 * 12 + i % 600, "sex": "1" if i % 2 else "2",
                             "household_id": None, "household_size": 1})
        with engine.begin() as connection:
            connection.execute(insert(resident_tables.residents), residents)
            connection.execute(insert(messaging_tables.channel_identities), identities)
            connection.execute(insert(resident_profiles), profiles)


def ceiling(base_url: str, users: list[str], seconds_budget: float) -> float:
    """Recipients a second the simulator takes in raw multicasts of 500."""
    host, port = base_url.removeprefix("http://").split(":")
    bodies = [json.dumps({"to": users[i:i + MULTICAST],
                          "messages": [{"type": "text", "text": "天井の測定"}]})
              for i in range(0, len(users), MULTICAST)]
    work = iter(bodies)
    lock = threading.Lock()
    done = 0
    deadline = time.monotonic() + seconds_budget

    def worker() -> None:
        nonlocal done
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        while time.monotonic() < deadline:
            with lock:
                body = next(work, None)
            if body is None:
                break
            connection.request("POST", "/v2/bot/message/multicast", body=body, headers={
                "Content-Type": "application/json", "Authorization": f"Bearer {DEV_TOKEN}",
                "X-Line-Retry-Key": str(uuid.uuid4())})
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                with lock:
                    done += len(json.loads(body)["to"])
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done / (time.perf_counter() - started)


def _drain(database_url: str, base_url: str, sending_done) -> None:  # type: ignore[no-untyped-def]
    """One dispatcher process: deliver until the send has finished and nothing is pending."""
    engine = make_engine(database_url)
    sessions = session_factory(engine)
    messenger = LineMessenger(access_token=DEV_TOKEN, base_url=base_url, max_rate=5000,
                              backoff=0.05, pool_size=THREADS * 2)
    executor = concurrent.futures.ThreadPoolExecutor(THREADS)
    while True:
        handled = deliver_outbox(uow_factory=lambda: unit_of_work(sessions),
                                 channels={"line": messenger}, clock=SystemClock(), limit=2000,
                                 executor=executor).handled
        if handled:
            continue
        if sending_done.is_set():
            with unit_of_work(sessions) as uow:
                counts = uow.queries.messages.outbox_counts()
            if counts.get(OutboxStatus.PENDING, 0) == 0:
                break
        time.sleep(0.05)
    executor.shutdown()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="people in the segment")
    parser.add_argument("--processes", type=int, default=2, help="dispatcher processes")
    parser.add_argument("--ceiling-seconds", type=float, default=30.0)
    args = parser.parse_args()
    size = args.size
    orm.start_mappers(FieldCipher([new_key()]))
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'notices.db'}"
        engine = make_engine(url)
        migrating.upgrade(engine)
        users = bulk_user_ids(DEV_SECRET, size)
        started = time.perf_counter()
        seed(engine, size, users)
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        rows.append(("segment", f"{size:,} residents on LINE (seeded in "
                                f"{time.perf_counter() - started:.0f} s, not timed)"))
        sessions = session_factory(engine)
        uow = lambda: unit_of_work(sessions)  # noqa: E731
        ids, clock = TimeOrderedIds(), SystemClock()
        notice = compose_notice(ComposeNotice(
            title="防災訓練のお知らせ", text="9月1日（日）9時から、町内一斉の防災訓練をします。",
            condition={"channel": "line"}, segment_name="LINEの友だち",
            buttons=({"label": "詳しく", "target": "https://town.example/bousai"},)),
            actor=Actor(id="bench", role=Role.APPROVER, label="bench"), uow=uow(), ids=ids,
            clock=clock)
        with uow() as work:
            notice_row = work.notices.get(notice.id)
            assert notice_row is not None
            notice_row.start("bench-job", by="bench", at=clock.now())
            work.jobs.add(Job(id="bench-job", name="send_notice",
                              payload={"notice_id": notice.id}, created_at=clock.now()))
            work.commit()

        with simulator(users=size) as line_url:
            measured = ceiling(line_url, users, args.ceiling_seconds)
            call(line_url, "POST", "/_sim/reset")
            pushed = push_ceiling(line_url, users, args.ceiling_seconds)
            call(line_url, "POST", "/_sim/reset")
            engine.dispose()
            context = multiprocessing.get_context("fork")
            sending_done = context.Event()
            started = time.perf_counter()
            workers = [context.Process(target=_drain, args=(url, line_url, sending_done))
                       for _ in range(args.processes)]
            for worker in workers:
                worker.start()
            result = send_notice(notice.id, uow_factory=uow, ids=ids, clock=clock,
                                 policy=ContactPolicy(), public_url=PUBLIC, wake=lambda: None)
            written = time.perf_counter() - started
            sending_done.set()
            for worker in workers:
                worker.join()
            seconds = time.perf_counter() - started
            stats = call(line_url, "GET", "/_sim/stats")
            sample = users[:: max(1, size // 2000)]
            received = read_back(line_url, sample)
        with engine.connect() as connection:
            recorded = connection.execute(
                select(func.count()).select_from(notice_recipients)).scalar_one()
            statuses = dict(connection.execute(
                select(messaging_tables.outbox.c.status, func.count())
                .group_by(messaging_tables.outbox.c.status)).all())
        counts = [len(received.get(u, [])) for u in sample]
        rate = size / seconds
        rows += [
            ("send (job)", f"{result['sent']:,} people recorded and queued in {written:.1f} s "
                           f"({size / written:,.0f}/s)"),
            ("end to end", f"{seconds:.1f} s: {rate:,.0f} messages/s"),
            ("ceiling", f"{measured:,.0f} recipients/s (raw multicasts of 500, same run)"),
            ("ratio", f"{rate / measured:.2f} (goal ≥ 0.5)"),
            ("push ceiling", f"{pushed:,.0f} messages/s (raw pushes, one a request, same run)"),
            ("ratio to push", f"{rate / pushed:.2f}"),
            ("simulator", json.dumps(stats.get("requests", stats), ensure_ascii=False)[:200]),
            ("outbox", ", ".join(f"{k}: {v:,}" for k, v in statuses.items())),
            ("recipients", f"{recorded:,} rows (one per person)"),
            ("read back", f"{len(sample):,} users sampled: missing {counts.count(0)}, "
                          f"twice or more {sum(1 for c in counts if c > 1)}"),
        ]
    report(f"notice to a segment of {size:,} (SQLite, {args.processes} dispatchers)", rows)


if __name__ == "__main__":
    main()
