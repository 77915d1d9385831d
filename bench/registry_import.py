"""The registry import (住民基本台帳 extract) at town scale, against a bare `executemany`.

Generates a synthetic registry of `--size` persons (the generator `bench.registry_matching`
uses: households, moves out, deaths), writes it as the UTF-8 CSV a town's system exports, and
`--repeat` times: imports it as a town does, as a job of the app's own catalog (`run_job` with
its progress and lease written meanwhile; the use case `import_registry`: reading, validation,
match keys, encryption, households, profiles) into a fresh database, then inserts the very
rows the import wrote (the same tables, columns and values, read back raw) into another fresh
database with plain `executemany` (SQLAlchemy Core `insert()` over reflected tables, no
validation, no encryption, on SQLite with the page cache the import writes with: the floor for
rows sent from Python, the issue's baseline). Prints the medians, rows/s and the ratio of the two.
On SQLite it also moves the same rows into a third fresh database in C (`INSERT … SELECT`
from the import's file, attached): SQLite's own writing of them, the floor of any import.
With `--again` it imports the file a second time into the database it was just imported into,
every person unchanged, as a town's nightly extract mostly is (ADR 0083).

    .venv/bin/python -m bench.registry_import --size 100000
    .venv/bin/python -m bench.registry_import --size 1000000 --repeat 1 --again
    .venv/bin/python -m bench.registry_import --database-url postgresql://root@127.0.0.1:5432/test

With `--database-url` (PostgreSQL), each repeat creates its own databases next to the given
one and drops them afterwards; without it, each repeat uses fresh SQLite files.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import resource
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, make_url, select

from adapters.background.process_chunks import ProcessChunks
from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.crypto import FieldCipher, new_key
from adapters.passwords import Argon2PasswordHasher
from adapters.persistence import migrating, orm
from adapters.persistence.bulk_writing import DEFAULT_CACHE_MIB, bulk_units_of_work
from adapters.persistence.database import make_engine
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.jobs.job import Job, JobStatus
from application.jobs.running import run_job
from application.messaging.telling import ContactPolicy, Telling
from application.residents.match_keys import HmacMatchKeyer
from application.residents.registry_preparing import CHUNK_ROWS
from application.residents.town import Town
from bench.common import bus, median, report, scratch_postgres, unit_of_work
from bench.registry_matching import write_registry
from entrypoints.jobs import IMPORT_REGISTRY, build_job_catalog
from tests.support.variant_town import CITY, PREFECTURE, generate_registry

# what an import writes, in the order foreign keys need
TABLES = ("residents", "households", "household_members", "resident_profiles")
CHUNK = 10_000  # rows read back and inserted per executemany in the baseline


@contextlib.contextmanager
def fresh_database(database_url: str | None, tmp: Path, label: str) -> Iterator[str]:
    """A fresh SQLite file, or a PostgreSQL database of its own on the given one's server,
    dropped afterwards (`scratch_postgres`)."""
    if not database_url:
        path = tmp / f"{label}-{uuid.uuid4().hex[:8]}.db"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    with scratch_postgres(database_url, f"bench_import_{label}") as url:
        yield url


def migrated(url: str, **options: int):  # type: ignore[no-untyped-def]
    engine = make_engine(url, **options)
    migrating.upgrade(engine)
    return engine


def timed_import(url: str, csv_path: Path, keyer: HmacMatchKeyer,
                 workers: ProcessChunks | None,
                 cache_mib: int) -> tuple[float, float, dict[str, Any]]:
    """Wall seconds, CPU seconds of this process and its worker processes (SQLite works
    in-process: on a shared, loaded machine the CPU time is the steadier figure) and the
    report. The import runs as a town runs it: a job (`run_job`, with its progress written
    after each batch and its lease renewed meanwhile) of the app's own job catalog, whose
    import writes through the bulk units of work (ADR 0081)."""
    engine = migrated(url)
    sessions = session_factory(engine)

    def ordinary() -> Any:
        return unit_of_work(sessions)

    ids, clock = TimeOrderedIds(), SystemClock()
    catalog = build_job_catalog(
        uow_factory=ordinary, ids=ids, clock=clock, hasher=Argon2PasswordHasher(), keyer=keyer,
        calendar=JapaneseBankCalendar(), telling=Telling(ContactPolicy(), ids, clock),
        chunk_workers=workers,
        bulk_units=functools.partial(bulk_units_of_work, engine, ordinary, bus=bus(),
                                     cache_mib=cache_mib))
    job = Job(id=ids.new_id(), name=IMPORT_REGISTRY, payload={"path": str(csv_path)},
              created_at=clock.now())
    with ordinary() as uow:
        uow.jobs.add(job)
        uow.commit()
    started, cpu = time.perf_counter(), _cpu()
    status = run_job(job.id, uow_factory=ordinary, catalog=catalog, clock=clock)
    seconds, cpu = time.perf_counter() - started, _cpu() - cpu
    with ordinary() as uow:
        ran = uow.jobs.get(job.id)
        assert ran is not None and status is JobStatus.SUCCEEDED, ran and ran.error
        result = ran.result
    assert result["written"], result["summary"]
    engine.dispose()
    return seconds, cpu, result


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the workers end with
    each pass)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed_baseline(source_url: str, target_url: str,
                   cache_mib: int) -> tuple[float, float, dict[str, int]]:
    """Insert the rows the import wrote, raw, into a fresh copy of the tables: one transaction,
    `executemany` per chunk, with the page cache the import writes with on SQLite (ADR 0081);
    only the inserts are timed."""
    source = make_engine(source_url)
    target = migrated(target_url, sqlite_cache_kib=cache_mib * 1024)
    raw = MetaData()
    raw.reflect(source, only=TABLES)  # plain column types: the stored values as they are
    counts: dict[str, int] = {}
    seconds = cpu = 0.0
    with source.connect() as reading, target.begin() as writing:
        for name in TABLES:
            table = raw.tables[name]
            counts[name] = 0
            result = reading.execution_options(yield_per=CHUNK).execute(select(table))
            for chunk in result.mappings().partitions(CHUNK):
                rows = [dict(row) for row in chunk]
                started, began = time.perf_counter(), time.process_time()
                writing.execute(table.insert(), rows)
                seconds += time.perf_counter() - started
                cpu += time.process_time() - began
                counts[name] += len(rows)
        started, began = time.perf_counter(), time.process_time()
    seconds += time.perf_counter() - started  # the commit
    cpu += time.process_time() - began
    source.dispose()
    target.dispose()
    return seconds, cpu, counts


def timed_in_c(source_url: str, target_url: str, cache_mib: int) -> float:
    """SQLite: the rows the import wrote, moved into a fresh copy of the tables by SQLite
    itself (`INSERT … SELECT` from the import's file, attached), one transaction, with the
    import's page cache: no Python touches a row."""
    source = make_url(source_url).database
    target = migrated(target_url, sqlite_cache_kib=cache_mib * 1024)
    with target.connect() as connection:
        connection.exec_driver_sql("ATTACH DATABASE ? AS source", (source,))
        connection.commit()
        started = time.perf_counter()
        for name in TABLES:
            connection.exec_driver_sql(f"INSERT INTO main.{name} SELECT * FROM source.{name}")
        connection.commit()
        seconds = time.perf_counter() - started
    target.dispose()
    return seconds


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="registry persons")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the median is reported")
    parser.add_argument("--database-url", default=None,
                        help="PostgreSQL server to create scratch databases on "
                             "(default: fresh SQLite files)")
    parser.add_argument("--cache-mib", type=int, default=DEFAULT_CACHE_MIB,
                        help="SQLite: the page cache of the import's connection and the "
                             "baseline's (MADOGUCHI_IMPORT_CACHE_MIB; default %(default)s)")
    parser.add_argument("--again", action="store_true",
                        help="also import the same file again into the same database, every "
                             "person unchanged, as a nightly extract mostly is (ADR 0083)")
    parser.add_argument("--processes", type=int, default=None,
                        help="worker processes checking, keying and encrypting the rows "
                             "(default: one per core, at most 4; 0: all in this process)")
    args = parser.parse_args()
    workers = None if args.processes == 0 else ProcessChunks(args.processes)
    orm.start_mappers(FieldCipher([new_key()]))
    keyer = HmacMatchKeyer(b"bench-match-key-for-the-synthetic-town",
                           Town.of(prefecture=PREFECTURE, city=CITY))
    rows: list[tuple[str, str]] = [("load before", load())]
    imports: list[float] = []
    baselines: list[float] = []
    cpu_ratios: list[float] = []
    in_c: list[float] = []  # SQLite: the same rows moved by SQLite itself
    agains: list[float] = []  # the same file again, into the database it was imported into
    with tempfile.TemporaryDirectory() as directory:
        tmp = Path(directory)
        started = time.perf_counter()
        people = list(generate_registry(args.size, seed=1))
        csv_path = tmp / "registry.csv"
        write_registry(people, csv_path)
        rows.append(("generated", f"{len(people):,} persons in "
                                  f"{time.perf_counter() - started:.1f} s"))
        del people
        for run in range(args.repeat):
            with fresh_database(args.database_url, tmp, "import") as url:
                seconds, cpu, result = timed_import(url, csv_path, keyer, workers, args.cache_mib)
                print(f"  run {run + 1}: import {seconds:.1f} s, CPU {cpu:.1f} s; {load()}",
                      flush=True)
                if args.again:
                    again, again_cpu, again_result = timed_import(url, csv_path, keyer, workers,
                                                                  args.cache_mib)
                    assert (again_result["created"], again_result["updated"],
                            again_result["unchanged"]) == (0, 0, result["valid"]), again_result
                    agains.append(again)
                    print(f"  run {run + 1}: the same file again {again:.1f} s, CPU "
                          f"{again_cpu:.1f} s; {load()}", flush=True)
                with fresh_database(args.database_url, tmp, "baseline") as base_url:
                    base_seconds, base_cpu, counts = timed_baseline(url, base_url, args.cache_mib)
                if not args.database_url:
                    with fresh_database(None, tmp, "in-c") as c_url:
                        in_c.append(timed_in_c(url, c_url, args.cache_mib))
            imports.append(seconds)
            baselines.append(base_seconds)
            cpu_ratios.append(cpu / base_cpu)
            written = sum(counts.values())
            line = (f"run {run + 1}", f"import {seconds:.1f} s "
                    f"({result['rows_read'] / seconds:,.0f} rows/s), baseline "
                    f"{base_seconds:.1f} s ({written:,} rows in {len(counts)} tables: "
                    + ", ".join(f"{name} {n:,}" for name, n in counts.items())
                    + f"), ratio {seconds / base_seconds:.2f}; CPU {cpu:.1f} s against "
                    f"{base_cpu:.1f} s, ratio {cpu / base_cpu:.2f}; "
                    + (f"moved in C {in_c[-1]:.1f} s; " if in_c else "")
                    + (f"again {agains[-1]:.1f} s; " if agains else "") + load())
            print(f"  {line[0]}: {line[1]}", flush=True)
            rows.append(line)
    import_median, baseline_median = median(imports), median(baselines)
    rows += [
        ("database", "PostgreSQL" if args.database_url else
         f"SQLite (fresh file per run; the import's page cache {args.cache_mib:,} MiB)"),
        ("worker processes", f"{workers.processes} (a file of up to "
                             f"{(workers.min_chunks - 1) * CHUNK_ROWS:,} rows is worked here)"
                             if workers else "none (all in this process)"),
        ("registry import", f"{import_median:.1f} s median of {len(imports)} "
                            f"({args.size / import_median:,.0f} persons/s)"),
        ("baseline executemany", f"{baseline_median:.1f} s (the same rows, raw)"),
        ("ratio", f"{import_median / baseline_median:.2f} (goal <= 5)"),
        *([("moved in C", f"{median(in_c):.1f} s (the same rows by INSERT … SELECT, no "
                          f"Python per row: SQLite's own writing, the floor of any "
                          f"import; the import {import_median / median(in_c):.1f} times it)")]
          if in_c else []),
        *([("the same file again", f"{median(agains):.1f} s median (every person unchanged; "
                                   f"{args.size / median(agains):,.0f} persons/s; "
                                   f"{median(agains) / import_median:.2f} of the import, "
                                   f"{median(agains) / baseline_median:.2f} of the baseline)")]
          if agains else []),
        ("CPU ratio", f"{median(cpu_ratios):.2f} (CPU seconds of this process and the import's "
                      "workers; on PostgreSQL "
                      "the server's work is not in it)"),
        ("peak memory", f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB"),
        ("load after", load()),
    ]
    report(f"registry import, {args.size:,} persons", rows)


if __name__ == "__main__":
    main()
