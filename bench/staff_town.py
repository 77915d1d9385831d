"""A town at scale for bench/staff_pages.py: every table a staff list page reads, seeded with
bulk Core inserts (not timed), the residents from the synthetic generator.

For `size` residents (the synthetic town's households of one to four):
- the residents (facts encrypted and match keys as the app stores them), households, members
  and profiles (40 町丁目); a LINE identity for every second resident;
- identity verifications for 30% of them, one in twenty in review and one in forty unmatched;
- two programs: 本計測給付金 with applications from 20% of `size` households, 追加計測給付金
  from 10% (30% in all), in every status; one payment batch paying the approved of the first;
- cases for 10% of `size` over eight departments (60% closed), certificate requests for 5%,
  audit records for 20%, 30 notices with their recipients (10% of `size` each of the newest
  three), 12 segments and 20 associations with 1% of the residents each.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Column, MetaData, Table, Text, func, insert, select, text

CHUNK = 5_000
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
PROGRAMS = (("pmain", "本計測給付金", 0.2), ("pmore", "追加計測給付金", 0.1))
BATCH = "bbench"
DEPARTMENTS = ("建設課", "環境課", "総務課", "子育て支援課", "税務課", "福祉課", "水道課",
               "住民課")
DISTRICTS = ("本町", "栄町", "旭町", "緑町", "東町", "西町", "南町", "北町", "中央", "桜台")
Row = dict[str, Any]


def _chunks(rows: Iterator[Row]) -> Iterator[list[Row]]:
    while chunk := list(itertools.islice(rows, CHUNK)):
        yield chunk


def _pool(keyer: Any, encrypt: Any) -> list[tuple[Any, list[tuple[Any, Any, str]]]]:
    """_POOL synthetic households, each person with their match keys and encrypted facts:
    the town repeats them (generating and encrypting a million people would take longer
    than the pages take to time), each copy with its own numbers."""
    from demo.synthetic_town import generate_households

    return [(household, [(person, keyer.keys_for(person.facts), encrypt(person.facts))
                         for person in household.members])
            for household in generate_households(_POOL, seed=11, prefix="B")]


_POOL = 5_000


def _people(size: int, keyer: Any, encrypt: Any) -> Iterator[tuple[str, list[Row]]]:
    """residents, households, household_members, resident_profiles, channel_identities."""
    from domain.residents import RegistryStatus, VerificationState
    from domain.segments import month_index

    pool, made = _pool(keyer, encrypt), 0
    rows: dict[str, list[Row]] = {}
    for index in itertools.count():
        if made >= size:
            break
        _, people = pool[index % len(pool)]
        hid, number = f"h{index:09d}", f"BH{index:08d}"
        members = people[:size - made]
        rows.setdefault("households", []).append({
            "id": hid, "household_number": number, "head_resident_id": f"r{made:09d}"})
        for position, (person, keys, facts) in enumerate(members):
            n, rid = made, f"r{made:09d}"
            made += 1
            rows.setdefault("residents", []).append({
                "id": rid, "resident_number": f"B{n:09d}", "household_number": number,
                "registry_status": RegistryStatus.RESIDENT if n % 50
                else RegistryStatus.MOVED_OUT,
                "verification_state": VerificationState.VERIFIED if n % 3 == 0
                else VerificationState.UNVERIFIED,
                "facts": facts, "created_at": NOW - dt.timedelta(minutes=n),
                "match_person": keys.person, "match_place": keys.place,
                "match_reading": keys.reading})
            rows.setdefault("household_members", []).append({
                "household_id": hid, "resident_id": rid, "relationship": person.relationship,
                "position": position})
            born = person.facts.date_of_birth.value
            rows.setdefault("resident_profiles", []).append({
                "resident_id": rid, "area": f"{DISTRICTS[index % 10]}{index % 4 + 1}丁目",
                "birth_month": month_index(born.year, born.month),
                "sex": person.facts.sex.value, "household_id": hid,
                "household_size": len(members)})
        if len(rows["residents"]) >= CHUNK:
            yield from _flush(rows)
    yield from _flush(rows)


def _flush(rows: dict[str, list[Row]]) -> Iterator[tuple[str, list[Row]]]:
    from tests.support import kpi_town as k

    residents = rows.get("residents", [])
    identities = [k.identity(int(r["id"][1:]), created_at=r["created_at"],
                             resident_id=r["id"]) for r in residents if int(r["id"][1:]) % 2 == 0]
    for table in ("residents", "households", "household_members", "resident_profiles"):
        if rows.get(table):
            yield table, rows[table]
    if identities:
        yield "channel_identities", identities
    rows.clear()


def _verifications(size: int) -> Iterator[Row]:
    from tests.support import kpi_town as k

    for n in range(0, size, 2):
        if n % 20 < 6:  # 30% of the residents (every identity is every second resident)
            status = "review" if n % 400 < 40 else "unmatched" if n % 400 < 60 else "linked"
            row = k.verification(n, identity_id=f"i{n:09d}",
                                 verified_at=NOW - dt.timedelta(minutes=size - n),
                                 status=status,
                                 resident_id=f"r{n:09d}" if status == "linked" else None)
            if status == "review":
                row["candidate_ids"] = [f"r{n:09d}", f"r{n + 1:09d}"]
            yield row


def _applications(size: int, households: int) -> Iterator[tuple[str, Row]]:
    from domain.benefits import ApplicationStatus, PayoutMethod
    from domain.disbursements import DisbursementStatus
    from domain.values import BankAccount, Money

    statuses = [ApplicationStatus.APPROVED] * 5 + [
        ApplicationStatus.CONFIRMED, ApplicationStatus.CONFIRMED, ApplicationStatus.NOTIFIED,
        ApplicationStatus.REJECTED, ApplicationStatus.PAID]
    account = BankAccount.of(bank_code="0001", branch_code="001", account_type="1",
                             number="1234567", holder="ケイサン タロウ")
    for program_id, _, share in PROGRAMS:
        for n in range(min(households, int(size * share))):
            status = statuses[n % len(statuses)]
            at = NOW - dt.timedelta(minutes=n)
            application = {
                "id": f"a{program_id}{n:09d}", "program_id": program_id,
                "household_id": f"h{n:09d}", "status": status,
                "channel": "postal" if n % 7 == 0 else "line",
                "payout_method": None if status is ApplicationStatus.NOTIFIED
                else PayoutMethod.BANK_TRANSFER,
                "payee_account": None if status is ApplicationStatus.NOTIFIED else account,
                "amount": Money(70_000), "notified_at": at,
                "confirmed_at": None if status is ApplicationStatus.NOTIFIED else at,
                "decided_at": at if status in (ApplicationStatus.APPROVED,
                                               ApplicationStatus.REJECTED,
                                               ApplicationStatus.PAID) else None,
                "decision_reason": "", "version": 1}
            yield "applications", application
            if program_id == "pmain" and status is ApplicationStatus.APPROVED:
                yield "disbursements", {
                    "id": f"d{n:09d}", "application_id": application["id"],
                    "amount": Money(70_000), "method": PayoutMethod.BANK_TRANSFER,
                    "payee_account": account, "batch_id": BATCH,
                    "status": DisbursementStatus.BATCHED, "failure_reason": "",
                    "created_at": NOW}


def _cases(size: int) -> Iterator[Row]:
    from domain.cases import CaseStatus

    for n in range(size // 10):
        status = (CaseStatus.NEW, CaseStatus.IN_PROGRESS, CaseStatus.ANSWERED,
                  *[CaseStatus.CLOSED] * 7)[n % 10]
        at = NOW - dt.timedelta(minutes=size - n)
        yield {"id": f"c{n:09d}", "number": f"{2026 - n // 900_000}-{n % 900_000 + 1:06d}",
               "department_id": f"d{n // 10 % len(DEPARTMENTS)}", "procedure_id": "report",
               "title": "道路・公園などの通報（道路の損傷）", "identity_id": f"i{n * 2:09d}",
               "answers": [["通報の内容", "道路の損傷"], ["場所", f"本町{n % 9 + 1}丁目"]],
               "photos": [], "status": status, "assignee_id": None, "created_at": at,
               "updated_at": at, "closed_at": None if status.is_open else at,
               "holds_the_chat": False, "resident_waiting": n % 4 == 0,
               "acknowledged": False, "version": 1,
               "latitude": 34.60 + (n % 997) / 10_000 if n % 10 < 7 else None,
               "longitude": 133.70 + (n % 991) / 10_000 if n % 10 < 7 else None}


def _certificates(size: int) -> Iterator[Row]:
    from domain.certificates import IssueState
    from tests.support import kpi_town as k

    states = (IssueState.WAITING, IssueState.ISSUED, IssueState.ISSUED, IssueState.ISSUED)
    for n in range(size // 20):
        row = k.certificate_request(n, resident_id=f"r{n:09d}",
                                    requested_at=NOW - dt.timedelta(minutes=size - n))
        row["issue_state"] = states[n % len(states)]
        yield row


def _audit(size: int) -> Iterator[Row]:
    actions = ("resident.view", "application.decide", "case.reply", "staff.login",
               "certificate.issue")
    for n in range(1, size // 5 + 1):
        yield {"seq": n, "at": NOW - dt.timedelta(seconds=size - n), "actor_id": "sbench",
               "actor_label": "staff:bench", "action": actions[n % len(actions)],
               "target_type": "resident", "target_id": f"r{n % size:09d}", "ip": "127.0.0.1",
               "detail": {}, "prev_hash": f"{n - 1:064d}", "hash": f"{n:064d}"}


def _community(size: int) -> Iterator[tuple[str, list[Row]]]:
    from domain.notices import NoticeStatus

    yield "departments", [{"id": f"d{i}", "name": name, "created_at": NOW}
                          for i, name in enumerate(DEPARTMENTS)]
    yield "segments", [{"id": f"g{i:02d}", "name": f"計測の対象{i}",
                        "condition": {"area": [f"{DISTRICTS[i % 10]}{i % 4 + 1}丁目"]},
                        "created_by": "sbench", "created_at": NOW, "updated_by": "sbench",
                        "updated_at": NOW} for i in range(12)]
    yield "notices", [{"id": f"n{i:03d}", "title": f"計測のお知らせ{i}", "text": "本文",
                       "condition": {"area": ["本町1丁目"]}, "segment_name": "計測の対象0",
                       "buttons": (), "status": NoticeStatus.SENT, "created_by": "sbench",
                       "created_at": NOW - dt.timedelta(days=30 - i), "link_token": f"t{i:031d}",
                       "sent_by": "sbench", "started_at": NOW - dt.timedelta(days=30 - i),
                       "finished_at": NOW - dt.timedelta(days=30 - i)} for i in range(30)]
    yield "associations", [{"id": f"z{i:02d}", "name": f"{DISTRICTS[i % 10]}{i}丁目自治会",
                            "open_to_join": True, "created_at": NOW} for i in range(20)]


def _recipients(size: int) -> Iterator[Row]:
    for notice in (27, 28, 29):
        for n in range(size // 10):
            yield {"id": f"x{notice}{n:09d}", "notice_id": f"n{notice:03d}",
                   "member_key": f"r:r{n:09d}", "open_token": f"{notice}{n:030d}",
                   "recorded_at": NOW, "channel": "line" if n % 2 == 0 else "",
                   "outbox_id": None, "declined": False,
                   "opened_at": NOW if n % 3 == 0 else None,
                   "tapped_at": NOW if n % 9 == 0 else None}


def _members(size: int) -> Iterator[Row]:
    for association in range(20):
        for n in range(association, size, 100):
            yield {"id": f"m{n:09d}", "association_id": f"z{association:02d}",
                   "resident_id": f"r{n:09d}", "identity_id": None, "name": "計測 会員",
                   "source": "list", "joined_at": NOW}


class _Encrypted:
    """Inserts whose encrypted columns take ciphertext made once per distinct value (the
    town's copies share their people, one account pays every payee): a million rows encrypted
    one by one take longer than the pages take to time."""

    def __init__(self, dialect: Any) -> None:
        self.dialect, self.tables, self.made = dialect, {}, {}

    def insert(self, table: Any, rows: list[Row]) -> tuple[Any, list[Row]]:
        from adapters.persistence.types import EncryptedJSON

        columns = [c for c in table.columns if isinstance(c.type, EncryptedJSON)]
        if not columns:
            return insert(table), rows
        if table.name not in self.tables:
            self.tables[table.name] = Table(table.name, MetaData(), *(
                Column(c.name, Text if c in columns else c.type) for c in table.columns))
        for row in rows:
            for column in columns:
                value = row.get(column.name)
                if value is not None and not isinstance(value, _Ciphertext):
                    key = (table.name, column.name, repr(value))
                    if key not in self.made:
                        self.made[key] = column.type.process_bind_param(value, self.dialect)
                    row[column.name] = self.made[key]
        return insert(self.tables[table.name]), rows


class _Ciphertext(str):
    """A value encrypted already."""


def seed(container: Any, size: int) -> dict[str, int]:
    """Seeds the town; returns the rows written by table."""
    counts: dict[str, int] = {}
    seed_people(container, size, counts)
    seed_the_rest(container, size, counts)
    return counts


def _writer(container: Any, counts: dict[str, int]) -> Any:
    from adapters.persistence.orm import metadata

    engine = container.engine()
    encrypted = _Encrypted(engine.dialect)

    def write(table: str, rows: list[Row]) -> None:
        if not rows:
            return
        with engine.begin() as connection:
            connection.execute(*encrypted.insert(metadata.tables[table], rows))
        counts[table] = counts.get(table, 0) + len(rows)
    return write


def seed_people(container: Any, size: int, counts: dict[str, int]) -> None:
    """The departments, segments, notices, associations and the residents with their
    households and identities."""
    from adapters.persistence.orm import metadata

    write, engine = _writer(container, counts), container.engine()
    for table, rows in _community(size):
        write(table, rows)
    facts = metadata.tables["residents"].c.facts.type

    def encrypt(value: Any) -> str:
        return _Ciphertext(facts.process_bind_param(value, engine.dialect))

    for table, rows in _people(size, container.match_keyer(), encrypt):
        write(table, rows)


def seed_the_rest(container: Any, size: int, counts: dict[str, int]) -> None:
    """Everything that refers to the residents and households (seed_people's)."""
    from domain.batches import BatchState
    from domain.benefits import PayoutMethod
    from domain.values import Money
    from tests.support import kpi_town as k

    write = _writer(container, counts)
    if "households" not in counts:
        with container.engine().connect() as connection:
            counts["households"] = connection.execute(
                select(func.count()).select_from(text("households"))).scalar_one()
    for program_id, name, _ in PROGRAMS:
        write("benefit_programs", [{**k.program(program_id, at=NOW - dt.timedelta(days=30)),
                                    "name": name}])
    approved = sum(1 for n in range(min(counts["households"], int(size * PROGRAMS[0][2])))
                   if n % 10 < 5)
    write("payment_batches", [{
        "id": BATCH, "number": 1, "program_id": "pmain", "method": PayoutMethod.BANK_TRANSFER,
        "transfer_date": dt.date(2026, 12, 10), "count": approved,
        "total": Money(70_000 * approved), "state": BatchState.DRAFT, "created_by": "bench",
        "created_at": NOW, "cancel_reason": "", "version": 1}])
    pending: dict[str, list[Row]] = {"applications": [], "disbursements": []}
    for table, row in _applications(size, counts["households"]):
        pending[table].append(row)
        if len(pending[table]) >= CHUNK:
            write("applications", pending["applications"])  # before the payments naming them
            write("disbursements", pending["disbursements"])
            pending = {"applications": [], "disbursements": []}
    write("applications", pending["applications"])
    write("disbursements", pending["disbursements"])
    for table, rows in (("identity_verifications", _verifications(size)),
                        ("cases", _cases(size)), ("certificate_requests", _certificates(size)),
                        ("audit_log", _audit(size)), ("notice_recipients", _recipients(size)),
                        ("association_members", _members(size))):
        for chunk in _chunks(rows):
            write(table, chunk)
    write("audit_head", [{"id": 1, "seq": size // 5, "hash": f"{size // 5:064d}"}])
