"""The audit log's cost: appending hash-chained records (each in its own transaction, from
several threads, as staff requests do) against a baseline of the same transactions inserting the
same rows into an unchained table, and verifying the chain.

    .venv/bin/python -m bench.audit_log --size 5000
    .venv/bin/python -m bench.audit_log --size 5000 --database-url postgresql://root@127.0.0.1/test
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, text

from adapters.crypto import FieldCipher, new_key
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.unit_of_work import session_factory
from application.access.actor import Actor
from application.audit.recording import record
from application.audit.verifying_chain import verify_audit_chain
from application.ports.audit import AuditEntry
from bench.common import median, percentile, report, unit_of_work
from domain.staff import Role


class _Clock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def _entry(n: int) -> AuditEntry:
    return AuditEntry(actor_id="01JBENCHSTAFF", actor_label="bench", action="resident.view",
                      target_type="resident", target_id=f"r{n:08d}", ip="10.0.0.1",
                      detail={"n": n})


def _run(threads: int, size: int, one: Callable[[int], None]) -> tuple[float, list[float]]:
    latencies: list[float] = []
    lock = threading.Lock()

    def work(start: int) -> None:
        mine = []
        for n in range(start, size, threads):
            began = time.perf_counter()
            one(n)
            mine.append(time.perf_counter() - began)
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    workers = [threading.Thread(target=work, args=(t,)) for t in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began, latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=5000, help="records to append")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS bench_plain_log"))
        migrating.downgrade(engine, "base")
    migrating.upgrade(engine)
    orm.start_mappers(FieldCipher([new_key()]))
    sessions = session_factory(engine)
    plain = Table("bench_plain_log", MetaData(),
                  Column("seq", Integer, primary_key=True), Column("at", String(40)),
                  Column("actor_id", String(32)), Column("actor_label", String(64)),
                  Column("action", String(64)), Column("target_type", String(32)),
                  Column("target_id", String(64)), Column("ip", String(64)),
                  Column("detail", Text))
    plain.create(engine)
    clock = _Clock()

    def baseline(n: int) -> None:
        uow = unit_of_work(sessions)
        with uow:
            entry = _entry(n)
            uow.session.execute(insert(plain).values(  # type: ignore[union-attr]
                at=clock.now().isoformat(), actor_id=entry.actor_id,
                actor_label=entry.actor_label, action=entry.action,
                target_type=entry.target_type, target_id=entry.target_id, ip=entry.ip,
                detail=f'{{"n": {n}}}'))
            uow.commit()

    bench_staff = Actor(id="01JBENCHSTAFF", role=Role.CASE_WORKER, label="bench", ip="10.0.0.1")

    def chained(n: int) -> None:
        with unit_of_work(sessions) as uow:
            record(uow, bench_staff, "resident.view", "resident", f"r{n:08d}", at=clock.now(),
                   n=n)
            uow.commit()

    base_total, base_each = _run(args.threads, args.size, baseline)
    chain_total, chain_each = _run(args.threads, args.size, chained)
    began = time.perf_counter()
    verified = verify_audit_chain(uow_factory=lambda: unit_of_work(sessions))
    verify_seconds = time.perf_counter() - began
    assert verified.intact and verified.checked == args.size, verified

    report(f"audit log, {args.size} records, {args.threads} threads, {engine.dialect.name}", [
        ("baseline: plain insert, own transaction", f"{args.size / base_total:,.0f} rows/s, "
         f"median {median(base_each) * 1000:.2f} ms, p99 "
         f"{percentile(base_each, 0.99) * 1000:.2f} ms"),
        ("chained append (head locked)", f"{args.size / chain_total:,.0f} records/s, "
         f"median {median(chain_each) * 1000:.2f} ms, p99 "
         f"{percentile(chain_each, 0.99) * 1000:.2f} ms"),
        ("ratio chained / baseline (median)", f"{median(chain_each) / median(base_each):.2f}x"),
        ("verify the whole chain", f"{args.size / verify_seconds:,.0f} records/s "
         f"({verify_seconds:.2f} s)"),
    ])
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE bench_plain_log"))


if __name__ == "__main__":
    main()
