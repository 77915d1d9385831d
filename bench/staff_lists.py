"""Benchmark: the staff lists people decide from, at a town's scale.

    .venv/bin/python -m bench.staff_lists --size 300000
    .venv/bin/python -m bench.staff_lists --size 300000 --database-url postgresql://root@127.0.0.1/test

Seeds one program with `--size` approved applications (one household each, its head's facts
and the accounts encrypted as the app stores them) and one payment batch paying all of them,
then times real requests through the Flask app in this process (server time: no network):
- the batch approval page with its payee list: the first page and the last page,
- the applications list: the first page, a page of one status deep in the list, and searches by
  世帯番号, by 宛名番号 and by name with the date of birth,
against two baselines measured in the same run: an empty Flask endpoint, and the bare payee
query of one page. Prints medians (and p90) over `--repeat` requests each, and the ratios.
The target: every page's median at most 300 ms at 300,000 applications.
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

from flask import Flask
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
_NAMES = [("佐藤 太郎", "サトウ タロウ"), ("鈴木 花子", "スズキ ハナコ"),
          ("高橋 翔太", "タカハシ ショウタ"), ("田中 京子", "タナカ キョウコ"),
          ("渡辺 大輔", "ワタナベ ダイスケ"), ("伊藤 由美", "イトウ ユミ")]
_BRANCHES = [("0001", "001"), ("0005", "001"), ("0009", "001"), ("0010", "005")]
_TARGET = 4_242  # the household searched for (by number, resident number and name)


def _rows(size: int, keyer: Any, program_id: str, batch_id: str,
          now: dt.datetime) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """(table, rows) in chunks, in the order foreign keys need."""
    from domain.benefits import ApplicationStatus, PayoutMethod
    from domain.disbursements import DisbursementStatus
    from domain.residents import PersonalFacts, RegistryStatus, VerificationState
    from domain.values import Address, BankAccount, DateOfBirth, Money, PersonName, Sex

    for start in range(0, size, _CHUNK):
        numbers = range(start, min(size, start + _CHUNK))
        residents, households, members, applications, disbursements = [], [], [], [], []
        for n in numbers:
            name, kana = _NAMES[n % len(_NAMES)]
            street = f"見本県見本町本町{n % 50 + 1}丁目{n % 9 + 1}番"
            facts = PersonalFacts(name=PersonName(name=name, kana=kana),
                                  address=Address(text=street,
                                                  postal_code=f"{7190000 + n % 1000:07d}"),
                                  date_of_birth=DateOfBirth(dt.date(1940, 1, 1)
                                                            + dt.timedelta(days=n % 20000)),
                                  sex=Sex.MALE if n % 2 else Sex.FEMALE)
            keys = keyer.keys_for(facts)
            bank, branch = _BRANCHES[n % len(_BRANCHES)]
            account = BankAccount.of(bank_code=bank, branch_code=branch, account_type="1",
                                     number=f"{1_000_000 + n:07d}", holder=kana)
            residents.append({
                "id": f"r{n:09d}", "resident_number": f"{n:09d}", "household_number": f"H{n:07d}",
                "registry_status": RegistryStatus.RESIDENT,
                "verification_state": VerificationState.UNVERIFIED, "facts": facts,
                "created_at": now, "match_person": keys.person, "match_place": keys.place,
                "match_reading": keys.reading})
            households.append({"id": f"h{n:09d}", "household_number": f"H{n:07d}",
                               "head_resident_id": f"r{n:09d}"})
            members.append({"household_id": f"h{n:09d}", "resident_id": f"r{n:09d}",
                            "relationship": "世帯主", "position": 0})
            applications.append({
                "id": f"a{n:09d}", "program_id": program_id, "household_id": f"h{n:09d}",
                "status": ApplicationStatus.APPROVED if n % 10 else ApplicationStatus.CONFIRMED,
                "channel": "line", "payout_method": PayoutMethod.BANK_TRANSFER,
                "payee_account": account, "amount": Money(70_000), "notified_at": now,
                "confirmed_at": now + dt.timedelta(seconds=n), "decided_at": now,
                "decision_reason": "", "version": 1})
            disbursements.append({
                "id": f"d{n:09d}", "application_id": f"a{n:09d}", "amount": Money(70_000),
                "method": PayoutMethod.BANK_TRANSFER, "payee_account": account,
                "batch_id": batch_id, "status": DisbursementStatus.BATCHED,
                "failure_reason": "", "created_at": now})
        yield "residents", residents
        yield "households", households
        yield "household_members", members
        yield "applications", applications
        yield "disbursements", disbursements


def _seed(container: Any, size: int) -> tuple[str, str, Any]:
    from adapters.persistence.orm import metadata
    from application.access.actor import Actor
    from application.staff.creating_staff_member import CreateStaffMember, create_staff_member
    from domain.batches import BatchState
    from domain.benefits import PayoutMethod, ProgramStatus
    from domain.values import Money

    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    program_id, batch_id = "pbench", "bbench"
    tables = metadata.tables
    engine = container.engine()
    with engine.begin() as connection:
        connection.execute(insert(tables["benefit_programs"]).values(
            id=program_id, name="計測給付金", amount_per_household=Money(70_000),
            eligibility_source="計測", window_opens_at=now,
            window_closes_at=now + dt.timedelta(days=60),
            payout_methods=[PayoutMethod.BANK_TRANSFER], status=ProgramStatus.OPEN,
            notice_text="", decision_text="", rejection_text=""))
        connection.execute(insert(tables["payment_batches"]).values(
            id=batch_id, number=1, program_id=program_id, method=PayoutMethod.BANK_TRANSFER,
            transfer_date=dt.date(2026, 12, 10), count=size, total=Money(70_000 * size),
            state=BatchState.DRAFT, created_by="bench", created_at=now, cancel_reason="",
            version=1))
    keyer = container.match_keyer()
    for table, rows in _rows(size, keyer, program_id, batch_id, now):
        with engine.begin() as connection:
            connection.execute(insert(tables[table]), rows)
    settle(engine)
    create_staff_member(CreateStaffMember(login_id="bench", display_name="計測 職員",
                                          role="approver", password=STAFF_PASSWORD,
                                          actor=Actor.operator("bench")),
                        uow=container.uow(), ids=container.ids(),
                        hasher=container.password_hasher(), clock=container.clock())
    return program_id, batch_id, keyer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000, help="applications (and payees)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    from adapters.persistence import migrating
    from adapters.persistence.database import make_engine
    from application.disbursements.viewing_batch import PAGE_SIZE
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
    program_id, batch_id, _ = _seed(container, args.size)
    seeded = time.perf_counter() - began
    app = create_app(container)
    client = signed_in(app)

    empty = Flask("bench_empty")
    empty.add_url_rule("/", "empty", lambda: "")
    empty_client = empty.test_client()

    def bare_query() -> None:
        with container.uow() as uow:
            lines = uow.queries.payments.payees(batch_id, limit=PAGE_SIZE, offset=0)
            assert len(lines) == min(PAGE_SIZE, args.size)

    last = max(1, -(-args.size // PAGE_SIZE))
    apps = f"/staff/benefits/programs/{program_id}/applications"
    target = min(_TARGET, args.size - 1)
    name = _NAMES[target % len(_NAMES)][1]  # the target's reading and date of birth
    born = (dt.date(1940, 1, 1) + dt.timedelta(days=target % 20000)).isoformat()
    pages = [
        ("payees: batch page 1", page_call(client, f"/staff/batches/{batch_id}", "data-payees")),
        (f"payees: batch page {last} (last)",
         page_call(client, f"/staff/batches/{batch_id}?page={last}", "data-payees")),
        ("applications: page 1", page_call(client, apps, "次へ" if args.size > 50 else "")),
        ("applications: confirmed, page 100", page_call(
            client, f"{apps}?status=confirmed&page={max(1, min(100, args.size // 500))}", "")),
        ("applications: search 世帯番号",
         page_call(client, f"{apps}?household_number=H{target:07d}", f"H{target:07d}")),
        ("applications: search 宛名番号",
         page_call(client, f"{apps}?resident_number={target:09d}", f"H{target:07d}")),
        ("applications: search name (kana) + birth",
         page_call(client, f"{apps}?name={name}&date_of_birth={born}", f"H{target:07d}")),
    ]
    base_empty = time_calls(lambda: empty_client.get("/"), args.repeat)
    base_query = time_calls(bare_query, args.repeat)
    rows = [("seeded", f"{args.size:,} applications and payees in {seeded:.0f} s"),
            ("baseline: empty Flask endpoint", f"median {median(base_empty) * 1000:.2f} ms"),
            ("baseline: bare payee query (one page)",
             f"median {median(base_query) * 1000:.2f} ms")]
    worst = 0.0
    for title, call in pages:
        times = time_calls(call, args.repeat)
        worst = max(worst, median(times))
        rows.append((title, f"median {median(times) * 1000:.1f} ms, p90 "
                            f"{percentile(times, 0.9) * 1000:.1f} ms, "
                            f"x{median(times) / median(base_query):.1f} the bare query, "
                            f"+{(median(times) - median(base_empty)) * 1000:.1f} ms over an "
                            "empty endpoint"))
    rows.append(("slowest median (target <= 300 ms)",
                 f"{worst * 1000:.1f} ms {'OK' if worst <= 0.3 else 'OVER'}"))
    report(f"staff lists, {args.size:,} applications, {engine.dialect.name}", rows)
    container.engine().dispose()
    if engine.dialect.name == "postgresql":
        migrating.downgrade(engine, "base")  # leave the database as it was found
        engine.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
