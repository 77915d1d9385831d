"""Benchmark: the town's export (`madoguchi export`) streams a whole town with flat memory.

    .venv/bin/python -m bench.town_export --size 100000 [--database-url URL]

Two towns in temporary SQLite files (or, for the larger, `--database-url`, an empty
PostgreSQL database): one of a tenth of `--size` residents and one of `--size`, each resident
heading a household, with encrypted facts, and an application with an encrypted account per
household. Each town is exported as the command does it (the use case, its snapshot and audit
record, the zip archive), timed, and then exported again under tracemalloc for its peak memory.
It prints rows per second, the archive's size, and the ratio of peak memory of the larger town
to the smaller: flat means near 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from bench.common import report, unit_of_work
from bench.exports import _seed


def _export(sessions: Any, out: Path) -> int:
    from adapters.system import SystemClock
    from adapters.town_archive import ZipTownArchive
    from application.access.actor import Actor
    from application.town_data.exporting_town import ExportTown, export_town

    out.unlink(missing_ok=True)
    exported = export_town(ExportTown(actor=Actor.operator("bench")),
                           uow_factory=lambda: unit_of_work(sessions), clock=SystemClock(),
                           archive=ZipTownArchive(out, town={"name": "bench"},
                                                  schema_revision="bench"))
    return exported.total


def _peak(out: Path, sessions: Any) -> int:
    tracemalloc.start()
    tracemalloc.reset_peak()
    _export(sessions, out)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--database-url", default="",
                        help="an empty database for the larger town (default: SQLite)")
    args = parser.parse_args()

    from adapters.crypto import FieldCipher, new_key
    from adapters.persistence import migrating, orm
    from adapters.persistence.database import make_engine
    from adapters.persistence.unit_of_work import session_factory

    orm.start_mappers(FieldCipher([new_key()]))
    rows: list[tuple[str, str]] = []
    peaks: dict[int, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in (max(1, args.size // 10), args.size):
            url = (args.database_url if size == args.size and args.database_url
                   else f"sqlite:///{tmp}/town-{size}.db")
            engine = make_engine(url)
            migrating.upgrade(engine)
            start = time.perf_counter()
            _seed(engine, {"p": size})
            seeded = time.perf_counter() - start
            sessions = session_factory(engine)
            out = Path(tmp) / f"town-{size}.zip"
            start = time.perf_counter()
            total = _export(sessions, out)
            took = time.perf_counter() - start
            peaks[size] = _peak(out, sessions)
            rows.append((f"{engine.dialect.name}, {size:,} residents",
                         f"seeded in {seeded:.1f} s; exported {total:,} rows in {took:.1f} s "
                         f"({total / took:,.0f} rows/s), {out.stat().st_size / 1e6:,.1f} MB "
                         f"zip, peak {peaks[size] / 1024:,.0f} KiB, peak RSS "
                         f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MiB"))
            engine.dispose()
    small, large = sorted(peaks)
    rows.append((f"peak memory {large:,} / {small:,}", f"×{peaks[large] / peaks[small]:.2f}"))
    report(f"The town's export, {os.cpu_count()} cores, {dt.date.today()}", rows)


if __name__ == "__main__":
    main()
