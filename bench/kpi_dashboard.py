"""Benchmark: the report page (報告・KPI, ADR 0060) at a town's scale.

    .venv/bin/python -m bench.kpi_dashboard --size 1000000
    .venv/bin/python -m bench.kpi_dashboard --size 1000000 --database-url postgresql://root@127.0.0.1/test

Seeds with bulk Core inserts `--size` residents, as many LINE identities (one in ten blocked or
unreachable since) and identity verifications (nine in ten linked), and about a third as many
cases, certificate requests, benefit applications (one in five on paper), conversations and
satisfaction answers, spread evenly over the two years before now. Then keeps the settled months
counted as the scheduled work would (timed), and times, in this process (server time, no
network), the page's queries (the live counts of the months not yet kept, the kept months, and —
for comparison — the live counts of the whole range as without kept months), all of them together
(the report the page shows: the last 12 Japan months) and the page itself through the Flask test
client, against an empty Flask endpoint measured in the same run. `--keep` keeps the seeded
database and reuses it on the next run. Prints medians (and p90) over `--repeat` calls
and the ratios. The target: the page's median at most 300 ms at 1,000,000 residents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import insert, text

from bench.common import (
    STAFF_PASSWORD,
    bench_settings,
    median,
    page_call,
    percentile,
    report,
    settle,
    signed_in,
    time_calls,
)

_CHUNK = 10_000
_SPAN = dt.timedelta(days=730)
_PROCEDURES = ("report", "contact", "consultation", "certificate")


def _rows(size: int, now: dt.datetime) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) in chunks, in the order foreign keys need; moments spread over two years
    by a stride that visits every second of the span evenly."""
    from tests.support import kpi_town as k

    start = now - _SPAN
    seconds = int(_SPAN.total_seconds())

    def moment(n: int, salt: int = 0) -> dt.datetime:
        return start + dt.timedelta(seconds=(n * 7919 + salt * 104_729) % seconds)

    third = max(1, size // 3)
    for first in range(0, size, _CHUNK):
        numbers = range(first, min(size, first + _CHUNK))
        yield "residents", [k.resident(n, created_at=moment(n)) for n in numbers]
        if first < third:
            yield "households", [k.household(n) for n in numbers if n < third]
        identities, verifications = [], []
        for n in numbers:
            created = moment(n)
            gone = n % 10 == 0
            identities.append(k.identity(
                n, created_at=created, status=("blocked", "unreachable")[n % 20 // 10]
                if gone else "following",
                changed_at=min(now, created + dt.timedelta(days=n % 200)) if gone else None))
            verifications.append(k.verification(
                n, identity_id=f"i{n:09d}", verified_at=created + dt.timedelta(hours=1),
                status="linked" if n % 10 else "review"))
        yield "channel_identities", identities
        yield "identity_verifications", verifications
        some = [n for n in numbers if n < third]
        if not some:
            continue
        yield "cases", [k.case(n, identity_id=f"i{n:09d}",
                               procedure_id=_PROCEDURES[n % 3], created_at=moment(n, 1))
                        for n in some]
        yield "certificate_requests", [
            k.certificate_request(n, resident_id=f"r{n:09d}", requested_at=moment(n, 2))
            for n in some]
        yield "applications", [
            k.application(n, program_id="pbench", household_id=f"h{n:09d}",
                          confirmed_at=moment(n, 3), channel="postal" if n % 5 == 0 else "line")
            for n in some]
        yield "conversations", [
            k.conversation(n, identity_id=f"i{n:09d}", procedure_id=_PROCEDURES[n % 4],
                           started_at=moment(n, 4),
                           status=("completed", "completed", "cancelled", "expired")[n % 4])
            for n in some]
        yield "survey_answers", [k.survey_answer(n, answered_at=moment(n, 5),
                                                 score=1 + n % 5) for n in some]


def _seed(container: Any, size: int) -> None:
    from adapters.persistence.orm import metadata
    from application.access.actor import Actor
    from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
    from tests.support import kpi_town as k

    now = container.clock().now()
    tables = metadata.tables
    engine = container.engine()
    with engine.begin() as connection:
        connection.execute(insert(tables["benefit_programs"]).values(
            k.program("pbench", at=now - _SPAN)))
    for table, rows in _rows(size, now):
        with engine.begin() as connection:
            connection.execute(insert(tables[table]), rows)
    settle(engine)
    create_staff_member(CreateStaffMember(login_id="bench", display_name="計測 職員",
                                          role="viewer", password=STAFF_PASSWORD,
                                          actor=Actor.operator("bench")),
                        uow=container.uow(), ids=container.ids(),
                        hasher=container.password_hasher(), clock=container.clock())


def _seeded(engine: Any) -> bool:
    """The database holds a seeded town already (its staff member)."""
    from sqlalchemy import inspect
    if "staff_members" not in inspect(engine).get_table_names():
        return False
    with engine.connect() as connection:
        return bool(connection.execute(text(
            "SELECT count(*) FROM staff_members WHERE login_id = 'bench'")).scalar_one())


def _query_calls(container: Any) -> list[tuple[str, Callable[[], Any]]]:
    from application.reporting.kpi import KpiRange, kpi_report, month_bounds
    from entrypoints.procedure_wiring import IN_MENU
    from entrypoints.web.staff.formatting import JST

    wanted = KpiRange.last_months(container.clock().now().astimezone(JST).date())
    bounds = month_bounds(wanted.months)
    months = list(itertools.pairwise(bounds))

    def live(ranges: list[Any]) -> Callable[[], Any]:
        def run() -> Any:
            with container.uow() as uow:
                return uow.queries.kpi.live(ranges)
        return run

    def kept() -> Any:
        with container.uow() as uow:
            return (uow.queries.kpi.kept(wanted.first, wanted.last),
                    uow.queries.kpi.kept_before(wanted.first))

    return [
        ("query: live counts, this month", live(months[-1:])),
        ("query: live counts, last month (within its week)", live(months[-2:-1])),
        ("query: kept months (12 and all before)", kept),
        ("without kept months: live counts of 12 months and before (x)",
         live([*months, (None, bounds[0])])),
        ("all the page's queries (kpi_report, 12 months)", lambda: kpi_report(
            wanted, shipped=IN_MENU, catalogue=container.procedures(), uow=container.uow())),
    ]


def _keep(container: Any) -> tuple[int, float]:
    """As the scheduled work does, run after run, until every settled month is kept."""
    from application.reporting.keeping_kpi_months import keep_kpi_months

    began, kept = time.perf_counter(), 0
    while found := keep_kpi_months(uow_factory=container.uow, clock=container.clock()):
        kept += found
    return kept, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="residents")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true",
                        help="keep the seeded database, and reuse one already seeded (to time "
                             "again without seeding again)")
    args = parser.parse_args()

    from adapters.persistence import migrating
    from adapters.persistence.database import make_engine
    from entrypoints.containers import build_container
    from entrypoints.web import create_app

    data_dir = Path(tempfile.mkdtemp())  # the key ring: a kept database is read without it
    url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
    engine = make_engine(url)
    reuse = args.keep and _seeded(engine)
    if engine.dialect.name == "postgresql" and not reuse:
        migrating.downgrade(engine, "base")
    migrating.upgrade(engine)
    engine.dispose()
    container = build_container(bench_settings(url, data_dir))
    try:
        began = time.perf_counter()
        if not reuse:
            _seed(container, args.size)
        seeded = time.perf_counter() - began
        kept, keeping = _keep(container)
        client = signed_in(create_app(container))
        empty = Flask("bench_empty")
        empty.add_url_rule("/", "empty", lambda: "")
        empty_client = empty.test_client()

        base = median(time_calls(lambda: empty_client.get("/"), args.repeat))
        rows = [("seeded", f"{args.size:,} residents, identities and verifications, "
                           f"{args.size // 3:,} of each of the rest in {seeded:.0f} s"),
                ("kept months (the scheduled work's catch-up)",
                 f"{kept} months in {keeping:.1f} s"),
                ("baseline: empty Flask endpoint", f"median {base * 1000:.2f} ms")]
        calls = [*_query_calls(container),
                 ("page: GET /staff/kpi", page_call(client, "/staff/kpi", "data-series"))]
        page = 0.0
        for title, call in calls:
            times = time_calls(call, args.repeat)
            page = median(times)
            rows.append((title, f"median {page * 1000:.1f} ms, p90 "
                                f"{percentile(times, 0.9) * 1000:.1f} ms, "
                                f"x{page / base:.0f} the empty endpoint"))
        rows.append(("page median (target <= 300 ms)",
                     f"{page * 1000:.1f} ms {'OK' if page <= 0.3 else 'OVER'}"))
        report(f"報告・KPI, {args.size:,} residents, {engine.dialect.name}", rows)
    finally:
        container.engine().dispose()
        if engine.dialect.name == "postgresql" and not args.keep:
            migrating.downgrade(engine, "base")  # leave the database as it was found
            engine.dispose()
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
