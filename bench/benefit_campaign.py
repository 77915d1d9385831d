"""A benefit campaign at town scale: eligibility import, push notices, and a burst of はい taps.

Seeds a synthetic town (`--size` households, each with one head resident; half of them, every
other household, are reachable: a verified head linked to a following LINE identity of a
simulator user, with an earlier paid application whose account each notice offers), opens a
program, then measures with the real use cases:

1. the eligibility import (`import_eligibility` over a CP932 CSV of every household number);
2. the campaign: `send_campaign` (applications + notices in the outbox), then the outbox drained
   to the LINE simulator by `--processes` dispatcher processes (as bench.line_outbound does;
   with `--overlap` they deliver each page as it is committed, as a town's wake-ups do),
   against the simulator's own push ceiling measured in the same run; then every reachable
   household's user is read back from the simulator: exactly one notice each, for its own
   application;
3. a burst of `--burst` signed postbacks `bnf:<application id>:yes` from the notified heads to
   the app under gunicorn (as bench.line_inbound does, against the empty Flask endpoint on the
   same server in the same run); then the confirmed applications are counted (lost), each
   application's version and each resident's replies are checked (doubled), and 1,000 of the
   events are redelivered, which must change nothing.

Setup (seeding, ANALYZE after seeding and after the import, the simulator's users) is not timed.
The webhook may answer before it handles the events (its workers handle them shortly after):
the counting waits until the inbox has no event left unhandled. Each of `--repeat` runs has a
fresh database (a new SQLite file, or a new PostgreSQL database made next to the one given and
dropped after it); the last table gives the medians.

    .venv/bin/python -m bench.benefit_campaign --size 300000
    .venv/bin/python -m bench.benefit_campaign --size 20000 --repeat 3 --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import http.client
import json
import multiprocessing
import re
import resource
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import func, insert, select, text

from adapters.banks.zengin_master import ZenginBankMaster
from adapters.crypto import FieldCipher, new_key
from adapters.csv_io import CsvFile
from adapters.line.simulator.simulator import bulk_user_ids
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm import benefits as benefit_tables
from adapters.persistence.orm import messaging as messaging_tables
from adapters.persistence.orm import residents as resident_tables
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.benefits.importing_eligibility import (
    COLUMNS,
    ImportEligibility,
    import_eligibility,
)
from application.benefits.notices import ANSWER_YES, NOTICE_PREFIX
from application.benefits.sending_campaign import send_campaign
from application.messaging.outbox import OutboxStatus
from application.messaging.telling import ContactPolicy
from bench.common import (
    DEV_SECRET,
    DEV_TOKEN,
    call,
    free_port,
    fresh_database,
    median,
    percentile,
    report,
    simulator,
    unit_of_work,
)
from bench.line_inbound import CONCURRENCY, fire, gunicorn
from bench.line_inbound import THREADS as WEB_THREADS
from bench.line_outbound import THREADS as DISPATCH_THREADS
from bench.line_outbound import _drain, ceiling
from domain.benefits import (
    ApplicationStatus,
    ApplicationWindow,
    BenefitProgram,
    PayoutMethod,
    ProgramStatus,
)
from domain.channels import IdentityStatus
from domain.residents import RegistryStatus, VerificationState
from domain.values import BankAccount, Money

PROGRAM_ID = "P" + "0" * 24 + "NEW"
EARLIER_ID = "P" + "0" * 24 + "OLD"
PROGRAM_NAME = "物価高騰対策給付金"
CHUNK = 5000
REDELIVERED = 1000
RECEIVED = "申請を受け付けました"
_TAP = re.compile(re.escape(NOTICE_PREFIX) + r"([0-9A-Za-z]+):" + ANSWER_YES)


def household_number(index: int) -> str:
    return f"H{index:08d}"


def reachable(index: int) -> bool:
    return index % 2 == 0  # every other household: pages mix the LINE and the postal paths


# 1. the town


def seed(engine, size: int, users: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Core bulk inserts through the ORM's tables (so encrypted columns are encrypted)."""
    now = dt.datetime.now(dt.UTC)
    paid_at = now - dt.timedelta(days=400)
    with unit_of_work(session_factory(engine)) as uow:
        uow.programs.add(BenefitProgram(
            id=EARLIER_ID, name="子育て世帯臨時特別給付金", amount_per_household=Money(50_000),
            eligibility_source="児童手当受給世帯",
            window=ApplicationWindow(opens_at=paid_at - dt.timedelta(days=30),
                                     closes_at=paid_at - dt.timedelta(days=1)),
            payout_methods=frozenset({PayoutMethod.BANK_TRANSFER}),
            status=ProgramStatus.CLOSED))
        uow.programs.add(BenefitProgram(
            id=PROGRAM_ID, name=PROGRAM_NAME, amount_per_household=Money(70_000),
            eligibility_source="住民税非課税世帯",
            window=ApplicationWindow(opens_at=now - dt.timedelta(days=1),
                                     closes_at=now + dt.timedelta(days=60)),
            payout_methods=frozenset({PayoutMethod.BANK_TRANSFER, PayoutMethod.ATM_CASH}),
            status=ProgramStatus.OPEN,
            notice_text="{program}（1世帯あたり{amount}）のお知らせです。"))
        uow.commit()
    accounts = [BankAccount.of(bank_code="0001", branch_code=f"{b:03d}", account_type="1",
                               number=f"{1_000_000 + b * 7919:07d}", holder="ミホン タロウ")
                for b in range(1, 101)]
    for start in range(0, size, CHUNK):
        indexes = range(start, min(size, start + CHUNK))
        residents, households, members, identities, paid = [], [], [], [], []
        for i in indexes:
            on_line = reachable(i)
            residents.append({
                "id": f"R{i:09d}", "resident_number": f"{i:012d}",
                "household_number": household_number(i),
                "registry_status": RegistryStatus.RESIDENT,
                "verification_state": (VerificationState.VERIFIED if on_line
                                       else VerificationState.UNVERIFIED),
                "created_at": now})
            households.append({"id": f"X{i:09d}", "household_number": household_number(i),
                               "head_resident_id": f"R{i:09d}"})
            members.append({"household_id": f"X{i:09d}", "resident_id": f"R{i:09d}",
                            "relationship": "世帯主", "position": 0})
            if on_line:
                identities.append({
                    "id": f"I{i:09d}", "channel": "line", "address": users[i // 2],
                    "status": IdentityStatus.FOLLOWING, "resident_id": f"R{i:09d}",
                    "created_at": now, "status_changed_at": now})
                paid.append({
                    "id": f"A{i:09d}", "program_id": EARLIER_ID, "household_id": f"X{i:09d}",
                    "status": ApplicationStatus.PAID, "channel": "line",
                    "payout_method": PayoutMethod.BANK_TRANSFER,
                    "payee_account": accounts[i % len(accounts)], "amount": Money(50_000),
                    "notified_at": paid_at, "confirmed_at": paid_at, "decided_at": paid_at,
                    "decision_reason": "", "version": 1})
        with engine.begin() as connection:
            connection.execute(insert(resident_tables.residents), residents)
            connection.execute(insert(resident_tables.households), households)
            connection.execute(insert(resident_tables.household_members), members)
            if identities:
                connection.execute(insert(messaging_tables.channel_identities), identities)
                connection.execute(insert(benefit_tables.applications), paid)
    analyze(engine)


def analyze(engine) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def write_list(size: int, path: Path) -> None:
    # CP932, as town systems and Excel write it (the numbers are ASCII; the header is not).
    with path.open("w", encoding="cp932", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(["世帯番号", "備考"])
        for i in range(size):
            writer.writerow([household_number(i), ""])


# 2. the import


def time_import(engine, path: Path, size: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    sessions = session_factory(engine)
    started = time.perf_counter()
    result = import_eligibility(
        ImportEligibility(program_id=PROGRAM_ID), rows=CsvFile(path, columns=COLUMNS),
        uow_factory=lambda: unit_of_work(sessions), ids=TimeOrderedIds(),
        clock=SystemClock(), policy=ContactPolicy())
    seconds = time.perf_counter() - started
    assert result.written and result.added == size, result.summary()
    return seconds, result


# 3. the campaign


def time_campaign(engine, banks: ZenginBankMaster) -> tuple[float, dict]:  # type: ignore[no-untyped-def, type-arg]
    sessions = session_factory(engine)
    started = time.perf_counter()
    result = send_campaign(PROGRAM_ID, uow_factory=lambda: unit_of_work(sessions),
                           ids=TimeOrderedIds(), clock=SystemClock(), banks=banks,
                           policy=ContactPolicy(), wake=lambda: None)
    return time.perf_counter() - started, result


def time_dispatch(database_url: str, base_url: str, processes: int) -> float:
    """The outbox drained by `processes` dispatcher processes, as bench.line_outbound does."""
    context = multiprocessing.get_context("fork")
    started = time.perf_counter()
    workers = [context.Process(target=_drain, args=(database_url, base_url))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - started


def time_overlapped(engine, database_url: str, base_url: str, banks: ZenginBankMaster,  # type: ignore[no-untyped-def]
                    processes: int) -> tuple[float, float, dict]:  # type: ignore[type-arg]
    """The campaign written while `processes` dispatcher processes deliver each page as it is
    committed (as a town runs it: each page wakes the dispatcher). Returns the seconds the
    writing took, the seconds from its start to the last delivery, and the campaign's result."""
    context = multiprocessing.get_context("fork")
    written = context.Event()
    engine.dispose()  # nothing shared across the fork
    started = time.perf_counter()
    workers = [context.Process(target=_drain, args=(database_url, base_url, written))
               for _ in range(processes)]
    for worker in workers:
        worker.start()
    try:
        campaign_seconds, campaign = time_campaign(engine, banks)
    finally:
        written.set()
        for worker in workers:
            worker.join()
    return campaign_seconds, time.perf_counter() - started, campaign


def read_back(base_url: str, users: list[str]) -> dict[str, list[dict]]:  # type: ignore[type-arg]
    """Every user's received messages, from 8 keep-alive connections."""
    host, port = base_url.removeprefix("http://").split(":")
    work = iter(users)
    lock = threading.Lock()
    out: dict[str, list[dict]] = {}  # type: ignore[type-arg]

    def worker() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=60)
        mine = {}
        while True:
            with lock:
                user = next(work, None)
            if user is None:
                break
            connection.request("GET", f"/_sim/messages?user={user}")
            response = connection.getresponse()
            mine[user] = json.loads(response.read())["messages"]
        connection.close()
        with lock:
            out.update(mine)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return out


def check_notices(base_url: str, expected: dict[str, str]) -> dict[str, int]:
    """expected: user id → the application id its notice must carry."""
    received = read_back(base_url, list(expected))
    missing = duplicates = wrong = 0
    for user, application_id in expected.items():
        taps = [m for message in received.get(user, [])
                for m in _TAP.findall(json.dumps(message["message"], ensure_ascii=False))]
        notices = len(received.get(user, []))
        if notices == 0:
            missing += 1
        elif notices > 1:
            duplicates += notices - 1
        if notices and set(taps) != {application_id}:
            wrong += 1
    return {"missing": missing, "duplicates": duplicates, "wrong": wrong}


# 4. the burst


def tap_event(user: str, data: str, event_id: str, *, redelivery: bool = False) -> bytes:
    event = {
        "type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": redelivery}, "postback": {"data": data},
    }
    return json.dumps({"destination": "Ubench", "events": [event]}).encode()


def notified(engine) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(user id, application id) of every notified head, in household order."""
    a, h, i = (benefit_tables.applications, resident_tables.households,
               messaging_tables.channel_identities)
    query = (select(i.c.address, a.c.id)
             .select_from(a.join(h, h.c.id == a.c.household_id)
                          .join(i, i.c.resident_id == h.c.head_resident_id))
             .where(a.c.program_id == PROGRAM_ID, a.c.status == ApplicationStatus.NOTIFIED)
             .order_by(a.c.household_id))
    with engine.connect() as connection:
        return [(row.address, row.id) for row in connection.execute(query)]


def snapshot(engine, application_ids: list[str]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    a = benefit_tables.applications
    confirmed = set()
    versions = 0
    over = 0
    with engine.connect() as connection:
        for start in range(0, len(application_ids), 900):
            rows = connection.execute(select(a.c.id, a.c.status, a.c.version).where(
                a.c.id.in_(application_ids[start:start + 900])))
            for row in rows:
                versions += row.version
                if row.status is ApplicationStatus.CONFIRMED:
                    confirmed.add(row.id)
                    over += row.version > 2  # notified at 1, confirmed at 2: once
        all_confirmed = connection.execute(select(func.count()).select_from(a).where(
            a.c.program_id == PROGRAM_ID,
            a.c.status == ApplicationStatus.CONFIRMED)).scalar_one()
        inbox = connection.execute(
            select(func.count()).select_from(messaging_tables.inbox)).scalar_one()
        outbox = connection.execute(
            select(func.count()).select_from(messaging_tables.outbox)).scalar_one()
    return {"confirmed": len(confirmed), "all_confirmed": all_confirmed, "versions": versions,
            "confirmed_more_than_once": over, "inbox": inbox, "outbox": outbox}


def wait_for_outbox(engine, timeout: float = 600.0) -> int:  # type: ignore[no-untyped-def]
    """Until the app's processes have pushed every reply; returns what is still unsent."""
    o = messaging_tables.outbox
    deadline = time.monotonic() + timeout
    while True:
        with engine.connect() as connection:
            waiting = connection.execute(select(func.count()).select_from(o).where(
                o.c.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]))).scalar_one()
        if waiting == 0 or time.monotonic() > deadline:
            return waiting
        time.sleep(0.5)


def wait_for_inbox(engine, application_ids: list[str], timeout: float = 600.0) -> float:  # type: ignore[no-untyped-def]
    """Until every stored event is handled (none with `processed_at` unset) and the tapped
    applications are all confirmed, or nothing has moved for a while; the seconds it took."""
    i, a = messaging_tables.inbox, benefit_tables.applications
    started = time.monotonic()
    last, still = None, 0
    while time.monotonic() - started < timeout:
        with engine.connect() as connection:
            waiting = connection.execute(select(func.count()).select_from(i).where(
                i.c.processed_at.is_(None))).scalar_one()
            confirmed = sum(connection.execute(select(func.count()).select_from(a).where(
                a.c.id.in_(application_ids[start:start + 900]),
                a.c.status == ApplicationStatus.CONFIRMED)).scalar_one()
                for start in range(0, len(application_ids), 900))
        if waiting == 0 and confirmed == len(application_ids):
            break
        still = still + 1 if (waiting, confirmed) == last else 0
        if waiting == 0 and still >= 4:  # handled, and some were not confirmed: counted lost
            break
        last = (waiting, confirmed)
        time.sleep(0.25)
    return time.monotonic() - started


def burst(database_url: str, engine, line_url: str, keys: str, tmp: Path,  # type: ignore[no-untyped-def]
          taps: list[tuple[str, str]]) -> dict:  # type: ignore[type-arg]
    prefix = f"{time.time_ns():x}"[-10:]
    bodies = [tap_event(user, f"{NOTICE_PREFIX}{application_id}:{ANSWER_YES}",
                        f"01TAP{prefix}{n:011d}") for n, (user, application_id) in enumerate(taps)]
    redelivered = [tap_event(user, f"{NOTICE_PREFIX}{application_id}:{ANSWER_YES}",
                             f"01TAP{prefix}{n:011d}", redelivery=True)
                   for n, (user, application_id) in enumerate(taps[:REDELIVERED])]
    warm = [tap_event(user, "menu" if n % 2 else f"{NOTICE_PREFIX}W{n:08d}:{ANSWER_YES}",
                      f"01WARM{prefix}{n:010d}") for n, (user, _) in enumerate(taps[:200])]
    env = {"DATABASE_URL": database_url, "MADOGUCHI_DATA_KEYS": keys,
           "MADOGUCHI_DATA_DIR": str(tmp), "LINE_API_BASE_URL": line_url,
           "LINE_CHANNEL_SECRET": DEV_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": DEV_TOKEN,
           "MADOGUCHI_TASK_QUEUE": "in_process"}
    empty_port, app_port = free_port(), free_port()
    with gunicorn("bench.empty_app:app", empty_port, env, tmp / "empty.log"):
        fire(empty_port, bodies[: min(500, len(bodies))])  # warm up
        base_elapsed, base_latencies, base_errors = fire(empty_port, bodies)
    application_ids = [application_id for _, application_id in taps]
    with gunicorn("entrypoints.wsgi:app", app_port, env, tmp / "app.log"):
        fire(app_port, warm)
        wait_for_inbox(engine, [], timeout=120)
        unsent_before = wait_for_outbox(engine, timeout=120)
        call(line_url, "POST", "/_sim/reset")
        elapsed, latencies, errors = fire(app_port, bodies)
        handling = wait_for_inbox(engine, application_ids)
        after_burst = snapshot(engine, application_ids)
        _, _, replay_errors = fire(app_port, redelivered)
        wait_for_inbox(engine, application_ids)
        after_replay = snapshot(engine, application_ids)
        unsent = wait_for_outbox(engine)
        replies = read_back(line_url, sorted({user for user, _ in taps}))
    log = (tmp / "app.log").read_text(errors="replace")
    per_user = [sum(RECEIVED in json.dumps(m["message"], ensure_ascii=False) for m in messages)
                for messages in replies.values()]
    return {
        "rate": len(bodies) / elapsed, "handling": handling, "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99), "errors": errors, "replay_errors": replay_errors,
        "base_rate": len(bodies) / base_elapsed, "base_p50": percentile(base_latencies, 0.5),
        "base_p99": percentile(base_latencies, 0.99), "base_errors": base_errors,
        "after_burst": after_burst, "after_replay": after_replay, "replayed": len(redelivered),
        "lost": len(taps) - after_burst["confirmed"],
        "doubled": after_burst["confirmed_more_than_once"] + sum(max(0, n - 1) for n in per_user),
        "replied_once": sum(1 for n in per_user if n == 1),
        "without_reply": len(taps) - len(per_user) + sum(1 for n in per_user if n == 0),
        "unsent": unsent, "unsent_before": unsent_before,
        "first_error": _first_error(log),
    }


def _first_error(log: str) -> str:
    """The last line of the app's first logged traceback (why some event answered 500)."""
    lines = log.splitlines()
    for n, line in enumerate(lines):
        if line.startswith("Traceback"):
            following = [x for x in lines[n + 1:] if x and not x.startswith((" ", "Traceback"))]
            return following[0][:300] if following else line
    return ""


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_once(args: argparse.Namespace, keys: str,
             banks: ZenginBankMaster) -> tuple[list[tuple[str, str]], dict[str, float]]:
    """One run on a fresh database: its report's rows and its figures."""
    size = args.size
    on_line = sum(1 for i in range(size) if reachable(i))
    taps_wanted = min(args.burst if args.burst is not None else 20_000, on_line)
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as tmp_name, \
            fresh_database(args.database_url, Path(tmp_name), "madoguchi_bench_benefits") as url:
        tmp = Path(tmp_name)
        users = bulk_user_ids(DEV_SECRET, on_line)
        engine = make_engine(url)
        migrating.upgrade(engine)
        started = time.perf_counter()
        seed(engine, size, users)
        path = tmp / "eligible.csv"
        write_list(size, path)
        rows.append(("town", f"{size:,} households, {on_line:,} reachable on LINE, "
                             f"{size - on_line:,} postal (seeded in "
                             f"{time.perf_counter() - started:.0f} s, not timed)"))

        import_seconds, imported = time_import(engine, path, size)
        analyze(engine)
        reach = imported.reach  # type: ignore[attr-defined]
        rows.append(("eligibility import", f"{import_seconds:.1f} s, "
                                           f"{size / import_seconds:,.0f} rows/s "
                                           f"(reach: {reach.reachable:,} LINE, "
                                           f"{reach.postal:,} postal)"))

        with simulator(users=on_line) as line_url:
            pushes = (users * (1 + 20_000 // max(1, on_line)))[:max(on_line, 20_000)]
            measured_ceiling = ceiling(line_url, pushes, args.ceiling_seconds)
            call(line_url, "POST", "/_sim/reset")
            if args.overlap:
                campaign_seconds, total, campaign = time_overlapped(
                    engine, url, line_url, banks, args.processes)
                dispatch_seconds = total - campaign_seconds  # the drain after the last page
            else:
                campaign_seconds, campaign = time_campaign(engine, banks)
                engine.dispose()  # nothing shared across the fork
                dispatch_seconds = time_dispatch(url, line_url, args.processes)
            assert campaign["sent"] == on_line, campaign["summary"]
            stats = call(line_url, "GET", "/_sim/stats")
            with engine.connect() as connection:
                outbox = dict(connection.execute(
                    select(messaging_tables.outbox.c.status, func.count())
                    .group_by(messaging_tables.outbox.c.status))
                    .all())
            pairs = notified(engine)
            started = time.perf_counter()
            notices = check_notices(line_url, dict(pairs))
            check_seconds = time.perf_counter() - started
            sent = campaign["sent"]
            end_to_end = sent / (campaign_seconds + dispatch_seconds)
            rows += [
                ("campaign: notices written", f"{campaign_seconds:.1f} s, "
                                              f"{sent / campaign_seconds:,.0f} notices/s "
                                              f"(send_campaign: {campaign['sent']:,} sent, "
                                              f"{campaign['postal']:,} postal)"),
                ("campaign: outbox → simulator", f"{dispatch_seconds:.1f} s, "
                                                 f"{sent / dispatch_seconds:,.0f} messages/s "
                                                 f"({args.processes} processes x "
                                                 f"{DISPATCH_THREADS} threads)")
                if not args.overlap else
                ("campaign: delivering meanwhile", f"{args.processes} processes x "
                                                   f"{DISPATCH_THREADS} threads, the last "
                                                   f"delivery {dispatch_seconds:.1f} s after "
                                                   f"the last page"),
                ("campaign: end to end", f"{campaign_seconds + dispatch_seconds:.1f} s, "
                                         f"{end_to_end:,.0f} messages/s"),
                ("simulator ceiling", f"{measured_ceiling:,.0f} pushes/s (bare HTTP, same run)"),
                ("ratio to the ceiling", f"{end_to_end / measured_ceiling:.2f} end to end"
                                         + ("" if args.overlap else
                                            f", {sent / dispatch_seconds / measured_ceiling:.2f}"
                                            " dispatch alone")),
                ("notices in the simulator", f"{stats['delivered_messages']:,} delivered; "
                                             f"missing {notices['missing']}, duplicates "
                                             f"{notices['duplicates']}, wrong application "
                                             f"{notices['wrong']} (goal 0, 0, 0; read back in "
                                             f"{check_seconds:.0f} s)"),
                ("outbox after the campaign", json.dumps(
                    {getattr(k, "value", k): v for k, v in outbox.items()})),
            ]

            taps = pairs[:taps_wanted]
            result = burst(url, engine, line_url, keys, tmp, taps)
        engine.dispose()

    ms = 1000
    before, after = result["after_burst"], result["after_replay"]
    changed = {k: after[k] - before[k] for k in before if after[k] != before[k]}
    rows += [
        ("burst: webhook", f"{result['rate']:,.0f} events/s, p50 {result['p50'] * ms:.1f} ms, "
                           f"p99 {result['p99'] * ms:.1f} ms ({len(taps):,} はい taps; "
                           f"all handled {result['handling']:.1f} s after the last answer)"),
        ("burst: empty Flask endpoint", f"{result['base_rate']:,.0f} requests/s, "
                                        f"p50 {result['base_p50'] * ms:.1f} ms, "
                                        f"p99 {result['base_p99'] * ms:.1f} ms"),
        ("burst: ratio (events/s)", f"{result['rate'] / result['base_rate']:.2f}"),
        ("confirmed", f"{before['confirmed']:,} of {len(taps):,} "
                      f"(program total {before['all_confirmed']:,}); "
                      f"lost {result['lost']}, doubled {result['doubled']} (goal 0 and 0)"),
        ("replies", f"{result['replied_once']:,} residents got 受け付けました once, "
                    f"{result['without_reply']} none; unsent {result['unsent']}"),
        ("redelivered", f"{result['replayed']:,} events: "
                        + (f"changed {json.dumps(changed)}" if changed else "nothing changed")),
        ("errors", f"{result['errors']} in the burst, {result['replay_errors']} in the "
                   f"redelivery, {result['base_errors']} on the empty endpoint (non-200)"),
        *([("first app error", result["first_error"])] if result["first_error"] else []),
        ("peak memory (this process)", f"{peak_mb():,.0f} MB"),
    ]
    figures = {
        "end_to_end": end_to_end, "ceiling": measured_ceiling,
        "ratio": end_to_end / measured_ceiling,
        "dispatch_ratio": sent / dispatch_seconds / measured_ceiling,
        "written": sent / campaign_seconds, "dispatched": sent / dispatch_seconds,
        "burst": result["rate"], "burst_ratio": result["rate"] / result["base_rate"],
        "lost": result["lost"], "doubled": result["doubled"],
        "missing": notices["missing"], "duplicates": notices["duplicates"],
    }
    return rows, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=300_000, help="eligible households")
    parser.add_argument("--burst", type=int, default=None,
                        help="postbacks in the burst (default: min(20000, reachable))")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--processes", type=int, default=2, help="dispatcher processes")
    parser.add_argument("--ceiling-seconds", type=float, default=30.0)
    parser.add_argument("--overlap", action="store_true",
                        help="dispatchers deliver while the campaign writes its pages (as a "
                             "town runs it) instead of draining the outbox after it")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs, each on a fresh database (medians at the end)")
    args = parser.parse_args()
    keys = new_key()
    orm.start_mappers(FieldCipher([keys]))
    banks = ZenginBankMaster()
    banks.bank("0001")  # the master loads on first use; a running town has it loaded
    backend = "PostgreSQL" if args.database_url else "SQLite"
    runs = []
    for run in range(1, args.repeat + 1):
        rows, figures = run_once(args, keys, banks)
        runs.append(figures)
        report(f"benefit campaign, {args.size:,} eligible households ({backend}), run {run} "
               f"of {args.repeat}; web: gunicorn 2 workers x {WEB_THREADS} threads, "
               f"{CONCURRENCY} connections", rows)
    if args.repeat > 1:
        def each(key: str, form: str, unit: str = "") -> str:
            values = [figures[key] for figures in runs]
            return (format(median(values), form) + unit + "  (runs: "
                    + ", ".join(format(v, form) for v in values) + ")")
        how = "delivered while written" if args.overlap else "written, then delivered"
        report(f"benefit campaign, {args.size:,} households ({backend}, {how}), median of "
               f"{args.repeat} runs, each on a fresh database", [
            ("end to end", each("end_to_end", ",.0f", " messages/s")),
            ("simulator ceiling", each("ceiling", ",.0f", " pushes/s")),
            ("ratio to the ceiling", each("ratio", ".2f") + "  (goal >= 0.5)"),
            *([] if args.overlap else [("dispatch alone, ratio", each("dispatch_ratio", ".2f"))]),
            ("notices written", each("written", ",.0f", " notices/s")),
            *([] if args.overlap else [("outbox → simulator",
                                        each("dispatched", ",.0f", " messages/s"))]),
            ("burst: webhook", each("burst", ",.0f", " events/s")),
            ("burst: ratio", each("burst_ratio", ".2f")),
            ("lost / doubled taps", f"{sum(f['lost'] for f in runs)} / "
                                    f"{sum(f['doubled'] for f in runs)}"),
            ("missing / duplicate notices", f"{sum(f['missing'] for f in runs)} / "
                                            f"{sum(f['duplicates'] for f in runs)}"),
        ])


if __name__ == "__main__":
    main()
