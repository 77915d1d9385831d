"""Benchmark: the town's inbox list and the map of open cases, at a town's scale.

    .venv/bin/python -m bench.inbox_pages --size 100000
    .venv/bin/python -m bench.inbox_pages --size 100000 --database-url postgresql://root@127.0.0.1/test

Seeds `--size` cases (お問い合わせ and 通報) across eight departments with Core bulk inserts,
their answers encrypted by the app's own column type and cipher (60% closed, 70% with a point),
then times real requests through the Flask app in this process (server time: no network) for a
case worker of one department (about an eighth of the cases):
- the inbox list (the newest 200), and the list of one status,
- the map of open cases with its embedded markers, and the map of one status,
- an administrator's inbox list and map (every department),
against baselines measured in the same run: the empty Flask endpoint of bench/empty_app.py,
and for comparison the member's newest 200 read two ways: the list's lines (the columns it
shows) and whole cases (answers decrypted, as the list read them before ADR 0048).
Prints medians and p95 over `--repeat` requests each, and the ratio to the empty endpoint.
The target: every page's median at most 300 ms at 100,000 cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import insert

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

_CHUNK = 5_000
_DEPARTMENTS = ("建設課", "環境課", "総務課", "子育て支援課", "税務課", "福祉課", "水道課",
                "住民課")
_IDENTITIES = 1_000
_TITLES = ("道路・公園などの通報（道路の損傷）", "道路・公園などの通報（街灯の故障）",
           "お問い合わせ（ごみ・環境）", "お問い合わせ（その他）")


def _status(n: int) -> Any:
    from domain.cases import CaseStatus

    return (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.ANSWERED)[n % 10] \
        if n % 10 < 3 else CaseStatus.CLOSED


def _rows(size: int, now: dt.datetime) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, size, _CHUNK):
        rows = []
        for n in range(start, min(size, start + _CHUNK)):
            status, pinned = _status(n), n % 10 < 7
            at = now - dt.timedelta(minutes=size - n)
            rows.append({
                "id": f"c{n:09d}", "number": f"{2026 - n // 900_000}-{n % 900_000 + 1:06d}",
                "department_id": f"d{n // 10 % len(_DEPARTMENTS)}", "procedure_id": "report",
                "title": _TITLES[n % len(_TITLES)], "identity_id": f"i{n % _IDENTITIES:06d}",
                "answers": [["通報の内容", "道路の損傷"],
                            ["場所", f"本町{n % 9 + 1}丁目{n % 30}番"],
                            ["詳しい様子", f"歩道に深さ{n % 20 + 1}cmほどの穴があります。"]],
                "photos": [f"line:{n}-1", f"line:{n}-2"] if n % 3 == 0 else [],
                "status": status, "assignee_id": None, "created_at": at, "updated_at": at,
                "closed_at": at if not status.is_open else None,
                "holds_the_chat": False, "resident_waiting": n % 4 == 0,
                "acknowledged": False, "version": 1,
                "latitude": 34.60 + (n % 997) / 10_000 if pinned else None,
                "longitude": 133.70 + (n % 991) / 10_000 if pinned else None})
        yield rows


def _seed(container: Any, size: int) -> None:
    from adapters.persistence.orm import metadata
    from application.access.actor import Actor
    from application.cases.managing_departments import (
        SetStaffDepartments,
        set_staff_departments,
    )
    from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
    from domain.channels import IdentityStatus

    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    tables = metadata.tables
    engine = container.engine()
    with engine.begin() as connection:
        connection.execute(insert(tables["departments"]), [
            {"id": f"d{i}", "name": name, "created_at": now}
            for i, name in enumerate(_DEPARTMENTS)])
        connection.execute(insert(tables["channel_identities"]), [
            {"id": f"i{i:06d}", "channel": "line", "address": f"U{i:032d}",
             "status": IdentityStatus.FOLLOWING, "created_at": now} for i in range(_IDENTITIES)])
    for rows in _rows(size, now):
        with engine.begin() as connection:
            connection.execute(insert(tables["cases"]), rows)
    settle(engine)
    operator = Actor.operator("bench")
    made = {login: create_staff_member(
        CreateStaffMember(login_id=login, display_name="計測 職員", role=role,
                          password=STAFF_PASSWORD, actor=operator),
        uow=container.uow(), ids=container.ids(), hasher=container.password_hasher(),
        clock=container.clock()) for login, role in (("bench", "case_worker"),
                                                     ("boss", "administrator"))}
    set_staff_departments(SetStaffDepartments(staff_id=made["bench"], department_ids=["d0"],
                                              actor=operator),
                          uow=container.uow(), clock=container.clock())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="cases")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from adapters.persistence import migrating
    from adapters.persistence.database import make_engine
    from bench.empty_app import app as empty
    from entrypoints.containers import build_container
    from entrypoints.web import create_app

    data_dir = Path(tempfile.mkdtemp())
    url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        migrating.downgrade(engine, "base")
    migrating.upgrade(engine)
    engine.dispose()
    container = build_container(bench_settings(url, data_dir))
    began = time.perf_counter()
    _seed(container, args.size)
    seeded = time.perf_counter() - began
    app = create_app(container)
    member, boss = signed_in(app, "bench"), signed_in(app, "boss")

    empty_client = empty.test_client()
    pages = [
        ("member: inbox list (newest 200)", page_call(member, "/staff/cases/", "data-cases")),
        ("member: inbox list, 新規", page_call(member, "/staff/cases/?status=new", "data-cases")),
        ("member: map of open cases", page_call(member, "/staff/cases/map", "case-points")),
        ("member: map, 対応中", page_call(member, "/staff/cases/map?status=in_progress",
                                    "case-points")),
        ("administrator: inbox list", page_call(boss, "/staff/cases/", "data-cases")),
        ("administrator: map of open cases", page_call(boss, "/staff/cases/map", "case-points")),
    ]
    base = time_calls(lambda: empty_client.post("/line/webhook"), args.repeat)
    rows = [("seeded", f"{args.size:,} cases in {seeded:.0f} s"),
            ("baseline: empty Flask endpoint (bench/empty_app.py)",
             f"median {median(base) * 1000:.2f} ms")]
    for title, read in (("lines", "lines"), ("whole cases, answers decrypted", "cases")):
        def query(read: str = read) -> None:
            with container.uow() as uow:
                assert len(getattr(uow.queries.cases, read)(
                    departments={"d0"}, status=None)) <= 200
        times = time_calls(query, args.repeat)
        rows.append((f"bare query, newest 200: {title}", f"median {median(times) * 1000:.1f} ms"))
    worst = 0.0
    for title, call in pages:
        times = time_calls(call, args.repeat)
        worst = max(worst, median(times))
        rows.append((title, f"median {median(times) * 1000:.1f} ms, p95 "
                            f"{percentile(times, 0.95) * 1000:.1f} ms, "
                            f"x{median(times) / median(base):.0f} the empty endpoint"))
    rows.append(("slowest median (target <= 300 ms)",
                 f"{worst * 1000:.1f} ms {'OK' if worst <= 0.3 else 'OVER'}"))
    report(f"inbox pages, {args.size:,} cases, {engine.dialect.name}", rows)
    container.engine().dispose()
    if engine.dialect.name == "postgresql":
        migrating.downgrade(engine, "base")  # leave the database as it was found
        engine.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
