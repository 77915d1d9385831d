"""Benchmark: the applications export for 決裁 and finance (CSV and Excel) streams with flat
memory.

    .venv/bin/python -m bench.exports --size 300000 [--repeat 1] [--database-url URL]

A SQLite database (or `--database-url`, e.g. an empty PostgreSQL database) gets two programs:
one with a tenth of `--size` applications and one with `--size`, each household's head with
encrypted facts and an encrypted account. Then, in the same run, for each program:
- the bare query: the same join streamed in chunks with nothing decrypted or written (the
  floor: what the database and the driver cost);
- the export as the app runs it (the use case: the audit record, decrypting facts and accounts,
  bank and branch names, Japan days) written to a CP932 CSV, and to an .xlsx workbook;
each timed (median over `--repeat`) and then traced once for its peak memory (tracemalloc; the
traced run is not the timed one). It prints the times, the ratio to the bare query, and the
ratio of peak memory at `--size` to peak memory at a tenth: flat means near 1. The process's
peak RSS after each step is printed too (it only grows: a step that needs more memory than
every step before it raises it; it counts what tracemalloc does not, such as lxml's buffers).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.common import median, report, unit_of_work

_NAMES = [("佐藤 太郎", "サトウ タロウ"), ("鈴木 花子", "スズキ ハナコ"),
          ("髙橋 翔太", "タカハシ ショウタ"), ("田中 京子", "タナカ キョウコ"),
          ("渡辺 大輔", "ワタナベ ダイスケ"), ("伊藤 由美", "イトウ ユミ")]
_BRANCHES = [("0001", "001"), ("0005", "001"), ("0009", "001"), ("9900", "019"),
             ("0010", "005"), ("0033", "001")]
_CHUNK = 10_000


def _seed(engine: Any, programs: dict[str, int]) -> None:
    from sqlalchemy import insert

    from adapters.persistence.orm.benefits import applications, benefit_programs
    from adapters.persistence.orm.residents import households, residents
    from domain.benefits import ApplicationStatus, PayoutMethod, ProgramStatus
    from domain.residents import PersonalFacts, RegistryStatus, VerificationState
    from domain.values import Address, BankAccount, DateOfBirth, Money, PersonName, Sex

    now = dt.datetime.now(dt.UTC)
    facts = [PersonalFacts(name=PersonName(name, kana),
                           address=Address(f"見本県見本町本町{i + 1}丁目{i + 2}番{i + 3}号"),
                           date_of_birth=DateOfBirth(dt.date(1950 + i, 4, 1)), sex=Sex.FEMALE)
             for i, (name, kana) in enumerate(_NAMES)]
    accounts = [BankAccount.of(bank_code=bank, branch_code=branch, account_type="1",
                               number=f"{1_234_567 + i:07d}", holder=kana)
                for i, ((_, kana), (bank, branch)) in enumerate(
                    zip(_NAMES, _BRANCHES, strict=True))]
    statuses = [ApplicationStatus.CONFIRMED, ApplicationStatus.APPROVED, ApplicationStatus.PAID]
    n = 0
    with engine.begin() as connection:
        for program_id, size in programs.items():
            connection.execute(insert(benefit_programs).values(
                id=program_id, name=f"ベンチ{program_id}", amount_per_household=Money(70_000),
                eligibility_source="-", window_opens_at=now,
                window_closes_at=now + dt.timedelta(days=30),
                payout_methods=frozenset({PayoutMethod.BANK_TRANSFER}),
                status=ProgramStatus.OPEN, notice_text="", decision_text="", rejection_text=""))
            for start in range(0, size, _CHUNK):
                people, homes, apps = [], [], []
                for i in range(start, min(size, start + _CHUNK)):
                    n += 1
                    people.append({"id": f"r{n:09d}", "resident_number": f"{n:09d}",
                                   "household_number": f"H{n:09d}",
                                   "registry_status": RegistryStatus.RESIDENT,
                                   "verification_state": VerificationState.UNVERIFIED,
                                   "facts": facts[i % len(facts)], "created_at": now})
                    homes.append({"id": f"h{n:09d}", "household_number": f"H{n:09d}",
                                  "head_resident_id": f"r{n:09d}"})
                    status = statuses[i % len(statuses)]
                    apps.append({"id": f"a{n:09d}", "program_id": program_id,
                                 "household_id": f"h{n:09d}", "status": status,
                                 "channel": "line", "payout_method": PayoutMethod.BANK_TRANSFER,
                                 "payee_account": accounts[i % len(accounts)],
                                 "amount": Money(70_000), "notified_at": now,
                                 "confirmed_at": now, "decided_at": None if status is
                                 ApplicationStatus.CONFIRMED else now, "decision_reason": ""})
                connection.execute(insert(residents), people)
                connection.execute(insert(households), homes)
                connection.execute(insert(applications), apps)


def _bare_query(sessions: Any, program_id: str) -> int:
    """The join the export reads, streamed in chunks, nothing decrypted."""
    from sqlalchemy import String, select, type_coerce

    from adapters.persistence.orm.benefits import applications
    from adapters.persistence.orm.residents import households, residents

    a, h, r = applications.c, households.c, residents.c
    statement = (
        select(h.household_number, type_coerce(r.facts, String), a.status, a.channel,
               a.payout_method, a.amount, a.confirmed_at, a.decided_at,
               type_coerce(a.payee_account, String))
        .select_from(applications.join(households, h.id == a.household_id)
                     .outerjoin(residents, r.id == h.head_resident_id))
        .where(a.program_id == program_id).order_by(h.household_number)
        .execution_options(yield_per=1000))
    count = 0
    with sessions() as session:
        for _ in session.execute(statement):
            count += 1
    return count


def _export(sessions: Any, banks: Any, program_id: str, file_format: str, out: Path) -> int:
    from adapters.csv_io import cp932_csv
    from adapters.system import SystemClock
    from adapters.xlsx_io import xlsx_workbook
    from application.access.actor import Actor
    from application.benefits.exporting_applications import (
        EXPORT_COLUMNS,
        ExportApplications,
        export_applications,
    )
    from domain.staff import Role

    export = export_applications(
        ExportApplications(program_id=program_id, format=file_format,
                           actor=Actor(id="bench", role=Role.APPROVER, label="bench")),
        uow_factory=lambda: unit_of_work(sessions, banks=banks), clock=SystemClock(),
        banks=banks)
    if file_format == "csv":
        chunks = cp932_csv(EXPORT_COLUMNS, (row.cells() for row in export.rows))
    else:
        chunks = xlsx_workbook(EXPORT_COLUMNS, (row.values() for row in export.rows),
                               sheet="申請一覧")
    with out.open("wb") as file:
        for chunk in chunks:
            file.write(chunk)
    return out.stat().st_size


def _timed(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return median(times)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _peak(run: Callable[[], object]) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--database-url", default="",
                        help="an empty database to fill (default: a temporary SQLite file)")
    args = parser.parse_args()
    size, small = args.size, max(1, args.size // 10)

    from adapters.banks.zengin_master import ZenginBankMaster
    from adapters.crypto import FieldCipher, new_key
    from adapters.persistence import migrating, orm
    from adapters.persistence.database import make_engine
    from adapters.persistence.unit_of_work import session_factory

    orm.start_mappers(FieldCipher([new_key()]))
    banks = ZenginBankMaster()
    banks.bank("0001")  # the master is loaded before anything is timed
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database_url or f"sqlite:///{tmp}/bench.db")
        migrating.upgrade(engine)
        start = time.perf_counter()
        _seed(engine, {"small": small, "large": size})
        seeded = time.perf_counter() - start
        sessions = session_factory(engine)
        out = Path(tmp) / "export"
        rows = [("database", f"{engine.dialect.name}, {small + size:,} applications seeded in "
                             f"{seeded:.1f} s; peak RSS so far {_rss_mib():,.0f} MiB")]
        measured: dict[tuple[str, str], tuple[float, int]] = {}
        for program_id, n in (("small", small), ("large", size)):
            bare = _timed(lambda p=program_id: _bare_query(sessions, p), args.repeat)
            bare_peak = _peak(lambda p=program_id: _bare_query(sessions, p))
            measured[("bare", program_id)] = (bare, bare_peak)
            rows.append((f"bare query, {n:,} rows",
                         f"{bare:.2f} s, peak {bare_peak / 1024:,.0f} KiB, peak RSS "
                         f"{_rss_mib():,.0f} MiB"))
            for file_format in ("csv", "xlsx"):
                def run(p: str = program_id, f: str = file_format) -> int:
                    return _export(sessions, banks, p, f, out)

                took = _timed(run, args.repeat)
                peak = _peak(run)
                measured[(file_format, program_id)] = (took, peak)
                rows.append((f"{file_format}, {n:,} rows",
                             f"{took:.2f} s ({n / took:,.0f} rows/s, {took / bare:.1f}× the bare "
                             f"query), {out.stat().st_size / 1e6:,.1f} MB, peak "
                             f"{peak / 1024:,.0f} KiB, peak RSS {_rss_mib():,.0f} MiB"))
        for kind in ("bare", "csv", "xlsx"):
            (small_time, small_peak) = measured[(kind, "small")]
            (large_time, large_peak) = measured[(kind, "large")]
            rows.append((f"{kind}: {size:,} / {small:,}",
                         f"time ×{large_time / small_time:.1f}, peak memory "
                         f"×{large_peak / max(small_peak, 1):.2f}"))
        engine.dispose()
    report(f"Applications export (決裁・会計), {os.cpu_count()} cores", rows)


if __name__ == "__main__":
    main()
