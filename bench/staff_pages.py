"""Benchmark: every staff list page and the dashboard, at a town's scale.

    .venv/bin/python -m bench.staff_pages --size 1000000
    .venv/bin/python -m bench.staff_pages --size 1000000 --database-url postgresql://root@127.0.0.1/bench_x

Seeds a town of `--size` residents (bench/staff_town.py: the synthetic generator's households,
applications from 30% as many households across two programs, a payment batch, verifications
in review, cases in eight departments' inboxes, certificate requests, audit records, notices
with their recipients, segments and associations; bulk Core inserts, not timed), then times
real requests through the Flask app in this process (server time: no network) of a signed-in
administrator: every staff page that lists something, the first page and a deep page where the
list pages, against two baselines measured in the same run: an empty Flask endpoint and one
bare query (a page of the batch's payees). Prints medians (and p90) over `--repeat` requests
each and the pages over 300 ms. `--keep` keeps the seeded database and reuses it on the next run
(pages are reads); without it a PostgreSQL database is emptied before and after. The report's
settled months are kept first, as the scheduled work keeps them (not timed).
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import inspect, text

from bench.common import (
    STAFF_PASSWORD,
    bench_settings,
    median,
    page_call,
    percentile,
    report,
    signed_in,
    time_calls,
)
from bench.staff_town import BATCH, seed

TARGET = 0.3


def _seeded(engine: Any) -> int:
    """Residents of a town seeded already (0: none)."""
    if "staff_members" not in inspect(engine).get_table_names():
        return 0
    with engine.connect() as connection:
        if not connection.execute(text(
                "SELECT count(*) FROM staff_members WHERE login_id = 'bench'")).scalar_one():
            return 0
        return int(connection.execute(text("SELECT count(*) FROM residents")).scalar_one())


def _staff(container: Any) -> None:
    from application.access.actor import Actor
    from application.staff.creating_staff_member import CreateStaffMember, create_staff_member

    create_staff_member(CreateStaffMember(login_id="bench", display_name="計測 職員",
                                          role="administrator", password=STAFF_PASSWORD,
                                          actor=Actor.operator("bench")),
                        uow=container.uow(), ids=container.ids(),
                        hasher=container.password_hasher(), clock=container.clock())


def _keep_kpi_months(container: Any) -> None:
    """As the scheduled work does, until every settled month of the report is kept (ADR 0060):
    the report page counts live only the months not kept yet."""
    from application.reporting.keeping_kpi_months import keep_kpi_months

    while keep_kpi_months(uow_factory=container.uow, clock=container.clock()):
        pass


def _post_call(client: Any, path: str, form: dict[str, str], must: str) -> Callable[[], None]:
    """A search posted as staff post it (with the page's CSRF token)."""
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]

    def post() -> None:
        response = client.post(path, data={**form, "csrf_token": token})
        body = response.get_data(as_text=True)
        assert response.status_code == 200 and must in body, (path, response.status_code)
    return post


def _next_link(client: Any, path: str, pages: int) -> str:
    """The address `pages` pages deep, following each page's 次へ link as staff do."""
    for _ in range(pages):
        body = client.get(path).get_data(as_text=True)
        found = re.search(r'href="([^"]+)"[^>]*>\s*次へ', body)
        if not found:
            break
        path = found.group(1).replace("&amp;", "&")
    return path


def _pages(client: Any, container: Any, size: int) -> list[tuple[str, Callable[[], None]]]:
    from application.disbursements.viewing_batch import PAGE_SIZE as PAYEES
    from entrypoints.web.staff.administration import AUDIT_PAGE
    from entrypoints.web.staff.benefits.applications import PAGE_SIZE

    with container.engine().connect() as connection:
        target = connection.execute(text(
            "SELECT resident_number FROM residents WHERE id = 'r000004242'")).scalar_one_or_none()
        applied = connection.execute(text(
            "SELECT count(*) FROM applications WHERE program_id = 'pmain'")).scalar_one()
        payees = connection.execute(text(
            "SELECT count(*) FROM disbursements WHERE batch_id = :b"), {"b": BATCH}).scalar_one()
        audited = connection.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
    apps = "/staff/benefits/programs/pmain/applications"
    deep = max(1, applied // PAGE_SIZE // 2)
    last_payees = max(1, -(-payees // PAYEES))
    calls = [
        ("dashboard", page_call(client, "/staff/", "")),
        ("residents: search form", page_call(client, "/staff/residents", "")),
        ("residents: search 宛名番号", _post_call(client, "/staff/residents",
                                               {"resident_number": target or "0"}, "")),
        ("resident: one file", page_call(client, "/staff/residents/r000004242", "")),
        ("verifications: review queue", page_call(client, "/staff/verifications", "")),
        ("verifications: unmatched", page_call(client, "/staff/verifications?status=unmatched",
                                               "")),
        ("programs", page_call(client, "/staff/benefits/", "")),
        ("program page", page_call(client, "/staff/benefits/programs/pmain", "")),
        ("applications: page 1", page_call(client, apps, "")),
        (f"applications: page {deep} (half way)", page_call(client, f"{apps}?page={deep}", "")),
        ("applications: confirmed, page 1", page_call(client, f"{apps}?status=confirmed", "")),
        ("applications: confirmed, page 100",
         page_call(client, f"{apps}?status=confirmed&page=100", "")),
        ("applications: 郵送, awaiting check", page_call(
            client, f"{apps}?channel=postal&awaiting=1", "")),
        ("applications: search 世帯番号", page_call(
            client, f"{apps}?household_number=BH00004242", "")),
        ("postal applications", page_call(client, "/staff/benefits/programs/pmain/postal", "")),
        ("batches", page_call(client, "/staff/batches/", "")),
        ("batch: payees page 1", page_call(client, f"/staff/batches/{BATCH}", "data-payees")),
        (f"batch: payees page {last_payees} (last)", page_call(
            client, f"/staff/batches/{BATCH}?page={last_payees}", "data-payees")),
        ("cases: inbox", page_call(client, "/staff/cases/", "")),
        ("cases: 新規", page_call(client, "/staff/cases/?status=new", "")),
        ("cases: map", page_call(client, "/staff/cases/map", "")),
        ("certificates: queue", page_call(client, "/staff/certificates/", "")),
        ("certificates: all", page_call(client, "/staff/certificates/?state=all", "")),
        ("audit log: newest", page_call(client, "/staff/audit", "")),
        (f"audit log: {audited // AUDIT_PAGE // 2:,} pages back", page_call(
            client, f"/staff/audit?before={audited // 2}", "")),
        ("audit log: one action", page_call(client, "/staff/audit?action=case.reply", "")),
        ("notices", page_call(client, "/staff/notices/", "")),
        ("notice: results", page_call(client, "/staff/notices/n029", "")),
        ("segments", page_call(client, "/staff/segments", "")),
        ("segment: editor with its count", page_call(client, "/staff/segments/g00", "")),
        ("interests", page_call(client, "/staff/interests", "")),
        ("associations", page_call(client, "/staff/associations", "")),
        ("association: members", page_call(client, "/staff/associations/z00", "")),
        ("circulars", page_call(client, "/staff/circulars", "")),
        ("KPI", page_call(client, "/staff/kpi", "")),
        ("members (staff)", page_call(client, "/staff/members", "")),
        ("departments", page_call(client, "/staff/departments", "")),
        ("consultations", page_call(client, "/staff/consultations/", "")),
        ("surveys", page_call(client, "/staff/surveys", "")),
        ("procedures", page_call(client, "/staff/procedures/", "")),
        ("canned replies", page_call(client, "/staff/canned-replies", "")),
    ]
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20_000, help="residents")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", default="", help="a directory to keep the seeded town in "
                        "(its SQLite file and key) and to reuse it from on the next run")
    parser.add_argument("--only", default="", help="time only the pages whose title has this")
    args = parser.parse_args()

    from adapters.persistence import migrating
    from adapters.persistence.database import make_engine
    from application.disbursements.viewing_batch import PAGE_SIZE
    from bench.common import settle
    from entrypoints.containers import build_container
    from entrypoints.web import create_app

    data_dir = Path(args.keep or tempfile.mkdtemp())
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "bench.key"
    url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
    engine = make_engine(url)
    reuse = bool(args.keep) and key_file.exists() and _seeded(engine) == args.size
    if not reuse:
        if engine.dialect.name == "postgresql":
            migrating.downgrade(engine, "base")
        else:
            (data_dir / "bench.db").unlink(missing_ok=True)
    migrating.upgrade(engine)
    engine.dispose()
    if not reuse:
        from adapters.crypto import new_key
        key_file.write_text(new_key())
    container = build_container(bench_settings(url, data_dir,
                                               MADOGUCHI_DATA_KEYS=key_file.read_text()))
    try:
        began = time.perf_counter()
        counts: dict[str, int] = {}
        if not reuse:
            counts = seed(container, args.size)
            settle(container.engine())
            _staff(container)
        seeded = time.perf_counter() - began
        _keep_kpi_months(container)
        client = signed_in(create_app(container))
        empty = Flask("bench_empty")
        empty.add_url_rule("/", "empty", lambda: "")
        empty_client = empty.test_client()

        def bare_query() -> None:
            with container.uow() as uow:
                uow.queries.payments.payees(BATCH, limit=PAGE_SIZE, offset=0)

        base_empty = median(time_calls(lambda: empty_client.get("/"), args.repeat))
        base_query = median(time_calls(bare_query, args.repeat))
        applications = counts.get("applications", 0)
        rows = [("seeded", f"{args.size:,} residents, {applications:,} applications in "
                           f"{seeded:.0f} s" if not reuse else "reused the kept town"),
                ("baseline: empty Flask endpoint", f"median {base_empty * 1000:.2f} ms"),
                ("baseline: bare payee query (one page)", f"median {base_query * 1000:.2f} ms")]
        over = []
        for title, call in _pages(client, container, args.size):
            if args.only and args.only not in title:
                continue
            times = time_calls(call, args.repeat)
            page = median(times)
            if page > TARGET:
                over.append(title)
            rows.append((title, f"median {page * 1000:7.1f} ms, p90 "
                                f"{percentile(times, 0.9) * 1000:7.1f} ms, "
                                f"x{page / base_query:.0f} the bare query"
                                f"{'  OVER' if page > TARGET else ''}"))
        rows.append((f"over {TARGET * 1000:.0f} ms", ", ".join(over) or "none"))
        report(f"staff pages, {args.size:,} residents, {engine.dialect.name}", rows)
    finally:
        container.engine().dispose()
        if not args.keep:
            if engine.dialect.name == "postgresql":
                migrating.downgrade(engine, "base")  # leave the database as it was found
                engine.dispose()
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
