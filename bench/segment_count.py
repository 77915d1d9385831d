"""A segment's count at town scale (ADR 0056).

Seeds `--size` registry residents with bulk inserts (a ciphertext-sized `facts` each, as the
registry import leaves them; their profiles over 40 町丁目; households of one to four; a LINE
identity for half of them and 10% as many identities the registry does not know; a tenth of the
identities subscribed to 防災), then times the count of

    (65 or older at the end of the month AND in 本町1丁目 or 本町2丁目) OR subscribed to 防災

through `uow.queries.segments.count` (the condition compiled) and the same count written by hand
in SQL, in the same run; prints both medians of `--repeat` and the ratio (goal: ≤ 1 s at
1,000,000 residents and a ratio ≤ 2).

    .venv/bin/python -m bench.segment_count --size 1000000
    .venv/bin/python -m bench.segment_count --size 1000000 --database-url postgresql://…
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, text

from adapters.crypto import FieldCipher, new_key
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.community import interest_subscriptions, interests
from adapters.persistence.orm.messaging import channel_identities
from adapters.persistence.unit_of_work import session_factory
from bench.common import median, report, settle, unit_of_work
from domain.segments import Age, All, AnyOf, Area, Condition, Interest, month_index

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
MONTH = month_index(2026, 12)
DISTRICTS = ("本町", "栄町", "緑町", "旭町", "中央", "東町", "西町", "南町", "北町", "新町")
AREAS = [f"{district}{n}丁目" for district in DISTRICTS for n in range(1, 5)]
CONDITION: Condition = AnyOf((All((Age(MONTH, 65, None), Area(("本町1丁目", "本町2丁目")))),
                              Interest("bousai")))
# The same, by hand: the registry's residents, then the identities it does not know.
BARE_SQL = """
SELECT
 (SELECT count(*) FROM residents r JOIN resident_profiles p ON p.resident_id = r.id
  WHERE r.registry_status = 'resident'
    AND ((p.birth_month <= :latest AND p.area IN ('本町1丁目', '本町2丁目'))
         OR r.id IN (SELECT i.resident_id FROM interest_subscriptions s
                     JOIN channel_identities i ON i.id = s.identity_id
                     WHERE s.interest_key = 'bousai' AND i.resident_id IS NOT NULL)))
 +
 (SELECT count(*) FROM channel_identities i
  WHERE i.resident_id IS NULL
    AND EXISTS (SELECT 1 FROM interest_subscriptions s
                WHERE s.identity_id = i.id AND s.interest_key = 'bousai'))
"""
CHUNK = 20_000

# The columns seeding writes, as plain types (the app's tables encrypt `facts` on the way in).
_raw = MetaData()
RAW_RESIDENTS = Table("residents", _raw, Column("id", String), Column("resident_number", String),
                      Column("household_number", String), Column("registry_status", String),
                      Column("verification_state", String), Column("facts", Text))
RAW_PROFILES = Table("resident_profiles", _raw, Column("resident_id", String),
                     Column("area", String), Column("birth_month", Integer),
                     Column("sex", String), Column("household_id", String),
                     Column("household_size", Integer))


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def seed(engine: Engine, size: int, *, seed: int = 5) -> dict[str, int]:
    rng = random.Random(seed)
    ciphertext = "v1:" + "x" * 420  # about what one resident's encrypted facts take
    created_at = NOW
    households: list[tuple[str, int]] = []
    people_in_households = 0
    while people_in_households < size:
        households.append((f"H{len(households):08d}", rng.choice((1, 1, 2, 2, 3, 4))))
        people_in_households += households[-1][1]
    people: list[tuple[str, str, int]] = []  # resident id, household id, household size
    for household_id, members in households:
        for _ in range(members):
            if len(people) < size:
                people.append((f"R{len(people):09d}", household_id, members))

    def residents() -> Iterator[dict[str, Any]]:
        for n, (rid, household_id, _) in enumerate(people):
            yield {"id": rid, "resident_number": f"{n:012d}", "household_number": household_id,
                   "registry_status": "resident" if n % 50 else "moved_out",
                   "verification_state": "verified" if n % 3 == 0 else "unverified",
                   "facts": ciphertext}

    def profiles() -> Iterator[dict[str, Any]]:
        for rid, household_id, members in people:
            yield {"resident_id": rid, "area": rng.choice(AREAS),
                   "birth_month": month_index(rng.randint(1930, 2025), rng.randint(1, 12)),
                   "sex": rng.choice("12"), "household_id": household_id,
                   "household_size": members}

    identity_ids: list[str] = []

    def identities() -> Iterator[dict[str, Any]]:
        for n, (rid, _, _) in enumerate(people):
            if n % 2 == 0:
                identity_ids.append(f"I{n:09d}")
                yield {"id": identity_ids[-1], "channel": "line", "address": f"U{n:032d}",
                       "status": "following", "resident_id": rid, "created_at": created_at}
        for n in range(size // 10):
            identity_ids.append(f"J{n:09d}")
            yield {"id": identity_ids[-1], "channel": "line", "address": f"V{n:032d}",
                   "status": "following", "resident_id": None, "created_at": created_at}

    def subscriptions() -> Iterator[dict[str, Any]]:
        for identity_id in identity_ids:
            roll = rng.random()
            if roll < 0.1:
                yield {"identity_id": identity_id, "interest_key": "bousai",
                       "subscribed_at": created_at}
            elif roll < 0.25:
                yield {"identity_id": identity_id, "interest_key": "kosodate",
                       "subscribed_at": created_at}

    with engine.begin() as connection:
        connection.execute(interests.insert(), [
            {"key": key, "label": label, "description": "", "position": n, "active": True,
             "created_at": NOW} for n, (key, label) in enumerate(
                (("bousai", "防災"), ("kosodate", "子育て")), 1)])
    counts = {}
    for name, table, rows in (("residents", RAW_RESIDENTS, residents),
                              ("profiles", RAW_PROFILES, profiles),
                              ("identities", channel_identities, identities)):
        counts[name] = 0
        for chunk in _chunks(rows()):
            with engine.begin() as connection:
                connection.execute(table.insert(), chunk)
            counts[name] += len(chunk)
    counts["subscriptions"] = 0
    for chunk in _chunks(subscriptions()):
        with engine.begin() as connection:
            connection.execute(interest_subscriptions.insert(), chunk)
        counts["subscriptions"] += len(chunk)
    settle(engine)
    return counts


def timed(call: Callable[[], int], repeat: int) -> tuple[list[float], int]:
    answer = call()  # warm up
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        assert call() == answer
        times.append(time.perf_counter() - began)
    return times, answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="registry residents")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    orm.start_mappers(FieldCipher([new_key()]))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        migrating.downgrade(engine, "base")
        migrating.upgrade(engine)
        started = time.perf_counter()
        counts = seed(engine, args.size)
        seeding = time.perf_counter() - started
        sessions = session_factory(engine)

        def compiled() -> int:
            with unit_of_work(sessions) as uow:
                return uow.queries.segments.count(CONDITION)

        def bare() -> int:
            with engine.connect() as connection:
                latest = Age(MONTH, 65, None).birth_months()[1]
                return int(connection.execute(text(BARE_SQL), {"latest": latest}).scalar_one())

        ours, answer = timed(compiled, args.repeat)
        baseline, expected = timed(bare, args.repeat)
        engine.dispose()
    assert answer == expected, (answer, expected)
    report(f"segment count, {engine.dialect.name}, {args.size:,} residents", [
        ("seeded", f"{seeding:.1f} s ({', '.join(f'{v:,} {k}' for k, v in counts.items())})"),
        ("condition", CONDITION.describe()),
        ("matched", f"{answer:,} people"),
        ("segments.count (median)", f"{median(ours):.3f} s  (goal <= 1 s)"),
        ("bare SQL COUNT (median)", f"{median(baseline):.3f} s"),
        ("ratio", f"{median(ours) / median(baseline):.2f}  (goal <= 2)"),
    ])


if __name__ == "__main__":
    main()
