"""Benchmark: writing the Zengin transfer file (総合振込) for a large batch.

    .venv/bin/python -m bench.zengin_export --size 300000 [--repeat 3] [--with-database]

Prints, with medians over `--repeat` runs:
- the time of the real writer (conversion, bank-master names, byte-exact fields, CP932) for
  `--size` transfers written to a file, against a bare loop in the same run that writes the
  same bytes from names converted in advance (the floor: formatting and writing only);
- the peak memory of the export alone (tracemalloc, and the peak RSS growth of a fresh child
  process) at a tenth of the size and at the size: it must stay flat, since records are
  streamed and the batch is never held in memory;
- with `--with-database`, the whole use case on SQLite: the batch is read back from the
  database (accounts decrypted) twice, once to check and once to write.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from bench.common import ROOT, median, report, unit_of_work

_NAMES = ["サトウ タロウ", "スズキ ハナコ", "タカハシ ショウタ", "タナカ キョウコ",
          "ワタナベ ダイスケ", "イトウ ユミ", "ヤマモト ジュンイチロウ", "ナカムラ サチコ",
          "コバヤシ ユウマ", "ガッコウ ヴァイオリン ノ ダイガクセイ ミナミグチ"]
_BRANCHES = [("0001", "001"), ("0005", "001"), ("0009", "001"), ("9900", "019"),
             ("0010", "005"), ("0033", "001")]


def _lines(size: int) -> Iterator[object]:
    from application.ports.payouts import TransferLine
    from domain.values import BankAccount, Money

    accounts = [BankAccount.of(bank_code=bank, branch_code=branch, account_type="1",
                               number=f"{1_000_000 + i:07d}", holder=name)
                for i, (name, (bank, branch)) in enumerate(
                    (n, b) for n in _NAMES for b in _BRANCHES)]
    for i in range(size):
        yield TransferLine(reference=f"d{i:09d}", account=accounts[i % len(accounts)],
                           amount=Money(70_000 + i % 1000))


def _originator() -> object:
    from application.ports.payouts import Originator
    from domain.values import AccountType

    return Originator(code="1234567890", name="ミホンチヨウ", bank_code="0001",
                      branch_code="001", account_type=AccountType.ORDINARY,
                      account_number="1234567")


def _writer() -> object:
    from adapters.banks.zengin_master import ZenginBankMaster
    from adapters.banks.zengin_transfer import ZenginTransferWriter

    master = ZenginBankMaster()
    master.bank("0001")  # load the master before anything is timed
    return ZenginTransferWriter(master)


def _export(writer: object, size: int, path: Path) -> float:
    start = time.perf_counter()
    with open(path, "wb") as out:
        for record in writer.records(  # type: ignore[attr-defined]
                originator=_originator(), transfer_date=dt.date(2026, 12, 1),
                batch_number=1, lines=_lines(size), line_ending="crlf"):
            out.write(record)
    return time.perf_counter() - start


def _bare_loop(size: int, path: Path) -> float:
    """The same bytes from a plain loop: names converted in advance, no checks, no master."""
    from adapters.banks.zengin_master import ZenginBankMaster
    from adapters.banks.zengin_text import fit, to_file_text

    master = ZenginBankMaster()
    names = {(b, r): b.encode() + fit(to_file_text(master.bank(b).kana), 15) + r.encode()
             + fit(to_file_text(master.branch(b, r).kana), 15) for b, r in _BRANCHES}
    header = _writer().header(_originator(), dt.date(2026, 12, 1))  # type: ignore[attr-defined]
    start = time.perf_counter()
    total = 0
    with open(path, "wb") as out:
        out.write(header + b"\r\n")
        for n, line in enumerate(_lines(size), start=1):
            a = line.account  # type: ignore[attr-defined]
            yen = line.amount.yen  # type: ignore[attr-defined]
            total += yen
            out.write(b"2%s0000%s%s%s%010d0%010d%010d7        \r\n" % (
                names[(a.bank_code, a.branch_code)], a.account_type.value.encode(),
                a.number.encode(), fit(a.holder.text, 30), yen, 1, n))
        out.write(b"8%06d%012d" % (size, total) + b" " * 101 + b"\r\n")
        out.write(b"9" + b" " * 119 + b"\r\n")
    return time.perf_counter() - start


def _traced_peak(writer: object, size: int, path: Path) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    _export(writer, size, path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def _child_rss(size: int, path: Path) -> dict[str, int]:
    """A fresh interpreter: peak RSS before the export (master loaded) and after it."""
    code = ("import json, resource, pathlib\n"
            "from bench.zengin_export import _writer, _export\n"
            "w = _writer()\n"
            f"_export(w, 1000, pathlib.Path({str(path)!r}))\n"
            "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            f"_export(w, {size}, pathlib.Path({str(path)!r}))\n"
            "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
            "print(json.dumps({'before': before, 'after': after}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


def _with_database(size: int, path: Path) -> tuple[float, int]:
    """The use case on SQLite: disbursements inserted in bulk, then one timed export and one
    traced export (a re-export: the same reads and writes). Returns (seconds, peak bytes)."""
    from sqlalchemy import insert

    from adapters.crypto import FieldCipher, new_key
    from adapters.persistence import migrating, orm
    from adapters.persistence.database import make_engine
    from adapters.persistence.orm.benefits import benefit_programs
    from adapters.persistence.orm.disbursements import disbursements, payment_batches
    from adapters.persistence.unit_of_work import session_factory
    from adapters.system import SystemClock, TimeOrderedIds
    from application.disbursements.common import Actor
    from application.disbursements.exporting_batch import ExportBatch, export_batch
    from domain.batches import BatchState
    from domain.benefits import PayoutMethod, ProgramStatus
    from domain.disbursements import DisbursementStatus
    from domain.staff import Role
    from domain.values import Money

    orm.start_mappers(FieldCipher([new_key()]))
    database = path.parent / f"bench-{size}.db"
    engine = make_engine(f"sqlite:///{database}")
    migrating.upgrade(engine)
    now = dt.datetime.now(dt.UTC)
    with engine.connect() as connection:
        # applications are not needed to export: the file is made from the disbursements
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(insert(benefit_programs).values(
            id="p1", name="ベンチ", amount_per_household=Money(70_000), eligibility_source="-",
            window_opens_at=now, window_closes_at=now + dt.timedelta(days=1),
            payout_methods=frozenset(), status=ProgramStatus.OPEN, notice_text="", decision_text="",
            rejection_text=""))
        connection.execute(insert(payment_batches).values(
            id="b1", number=1, program_id="p1", method=PayoutMethod.BANK_TRANSFER,
            transfer_date=dt.date(2026, 12, 1), count=size,
            total=Money(sum(70_000 + i % 1000 for i in range(size))),
            state=BatchState.APPROVED,
            created_by="s1", created_at=now, approved_by="s2", approved_at=now,
            cancel_reason="", version=1))
        rows, chunk = [], 20_000
        for line in _lines(size):
            rows.append({"id": line.reference, "application_id": line.reference,  # type: ignore[attr-defined]
                         "amount": line.amount, "method": PayoutMethod.BANK_TRANSFER,  # type: ignore[attr-defined]
                         "payee_account": line.account, "batch_id": "b1",  # type: ignore[attr-defined]
                         "status": DisbursementStatus.BATCHED, "failure_reason": ""})
            if len(rows) == chunk:
                connection.execute(insert(disbursements), rows)
                rows = []
        if rows:
            connection.execute(insert(disbursements), rows)
        connection.commit()
    writer = _writer()

    def export() -> None:
        with open(path, "wb") as out:
            export_batch(ExportBatch(batch_id="b1", actor=Actor(id="bench", role=Role.APPROVER)),
                         uow=unit_of_work(session_factory(engine)),
                         ids=TimeOrderedIds(), clock=SystemClock(), writer=writer,
                         originator=_originator(), out=out)

    start = time.perf_counter()
    export()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    engine.dispose()
    database.unlink()
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--with-database", action="store_true")
    args = parser.parse_args()
    size, small = args.size, max(1, args.size // 10)

    writer = _writer()
    with tempfile.TemporaryDirectory() as tmp:
        real, bare = Path(tmp) / "real.txt", Path(tmp) / "bare.txt"
        writer_times, bare_times = [], []
        for _ in range(args.repeat):
            writer_times.append(_export(writer, size, real))
            bare_times.append(_bare_loop(size, bare))
        same = real.read_bytes() == bare.read_bytes()
        file_size = real.stat().st_size
        peaks = {n: _traced_peak(writer, n, real) for n in (small, size)}
        rss = {n: _child_rss(n, real) for n in (small, size)}
        rows = [
            ("transfers", f"{size:,} ({file_size:,} bytes, CRLF)"),
            ("writer (median)", f"{median(writer_times):.2f} s "
                                f"({size / median(writer_times):,.0f} records/s)"),
            ("bare loop (median)", f"{median(bare_times):.2f} s"),
            ("ratio writer / bare loop", f"{median(writer_times) / median(bare_times):.2f}"),
            ("same bytes", "yes" if same else "NO"),
        ]
        for n in (small, size):
            growth = (rss[n]["after"] - rss[n]["before"]) / 1024
            rows.append((f"peak memory at {n:,}",
                         f"tracemalloc {peaks[n] / 1024:,.0f} KiB, RSS growth {growth:,.1f} "
                         f"MiB (RSS {rss[n]['after'] / 1024:,.0f} MiB)"))
        rows.append(("memory ratio size / tenth", f"{peaks[size] / max(peaks[small], 1):.2f}"))
        if args.with_database:
            small_time, small_peak = _with_database(small, Path(tmp) / "db.txt")
            db_time, db_peak = _with_database(size, Path(tmp) / "db.txt")
            rows.append(("use case on SQLite (read twice, decrypt, write)",
                         f"{db_time:.2f} s ({size / db_time:,.0f} records/s); "
                         f"{small:,}: {small_time:.2f} s"))
            rows.append(("use case peak memory (tracemalloc)",
                         f"{small:,}: {small_peak / 1024:,.0f} KiB, {size:,}: "
                         f"{db_peak / 1024:,.0f} KiB (ratio {db_peak / max(small_peak, 1):.2f})"))
        report(f"Zengin transfer file export, {os.cpu_count()} cores", rows)


if __name__ == "__main__":
    main()
