"""Registry import and matching at town scale.

Generates a synthetic town (`--size` registry persons, 30% as many card verifications with
realistic notation variants and the hard cases: moves, twins, namesakes, duplicates, people not
in the registry), writes the registry as a UTF-8 CSV, imports it with the real use case, then
matches every verification the way the service does (indexed key look-ups, the same decision
rules) and prints: import time, matching time, the ratio of matching time to a plain SQL
equi-join on the pre-normalized keys in the same run, precision and recall against the
generator's truth, and peak memory.

    .venv/bin/python -m bench.registry_matching --size 1000000
    .venv/bin/python -m bench.registry_matching --size 1000000 --database-url postgresql://…

`--relative-extract` writes the extract as a real town's system does, without the prefecture
and city (中央一丁目1番1号; the cards still write them); `--town-unset` keys without the town's
prefecture and city (MADOGUCHI_TOWN_PREFECTURE/_CITY unset): together they show the recall a
town gets before it says where it is.
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, func, select, text

from adapters.crypto import FieldCipher, new_key
from adapters.csv_io import CsvFile
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.residents import residents
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.residents.importing_registry import ImportRegistry, import_registry
from application.residents.match_keys import HmacMatchKeyer
from application.residents.matching import Candidate, decide_many
from application.residents.registry_rows import COLUMNS, REQUIRED
from application.residents.town import Town
from bench.common import report, unit_of_work
from domain.residents import MatchKeys, RegistryStatus
from domain.verifications import MatchOutcome
from tests.support.variant_town import CITY, PREFECTURE, generate_registry, generate_verified

HEADER = ["宛名番号", "世帯番号", "続柄", "氏名", "氏名カナ", "生年月日", "性別", "住所",
          "郵便番号", "異動区分"]
STATUS = {RegistryStatus.RESIDENT: "", RegistryStatus.MOVED_OUT: "転出",
          RegistryStatus.DECEASED: "死亡"}


def write_registry(people: list, path: Path,  # type: ignore[type-arg]
                   relative_to: str = "") -> None:
    # UTF-8: the synthetic names include characters CP932 cannot carry (𠮷), as real ones do.
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(HEADER)
        for p, relationship in _relationships(people):
            f = p.facts
            writer.writerow([p.resident_number, p.household_number, relationship,
                             f.name.name, f.name.kana or "", f.date_of_birth.value.isoformat(),
                             f.sex.label, f.address.text.removeprefix(relative_to),
                             f.address.postal_code or "",
                             STATUS[p.status]])


def _relationships(people: list) -> list:  # type: ignore[type-arg]
    """As a town's system writes them: when the head has moved out or died, the first member
    still living in the household is the head (世帯主) in the extract."""
    living_head: dict[str, bool] = {}
    for p in people:
        if p.relationship == "世帯主":
            living_head[p.household_number] = p.status is RegistryStatus.RESIDENT
    promoted: set[str] = set()
    headed: set[str] = set()
    out = []
    for p in people:
        relationship = p.relationship
        if relationship == "世帯主" and not living_head[p.household_number]:
            relationship = "世帯員"
        elif (not living_head.get(p.household_number, True)
              and p.status is RegistryStatus.RESIDENT and p.household_number not in promoted):
            relationship = "世帯主"
            promoted.add(p.household_number)
        if relationship == "世帯主":
            if p.household_number in headed:  # a person recorded twice: one head only
                relationship = "世帯員"
            headed.add(p.household_number)
        out.append((p, relationship))
    return out


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="registry persons")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--relative-extract", action="store_true",
                        help="the extract's addresses without the town's prefecture and city")
    parser.add_argument("--town-unset", action="store_true",
                        help="key without the town's prefecture and city")
    args = parser.parse_args()
    orm.start_mappers(FieldCipher([new_key()]))
    town = None if args.town_unset else Town.of(prefecture=PREFECTURE, city=CITY)
    keyer = HmacMatchKeyer(b"bench-match-key-for-the-synthetic-town", town)
    rows: list[tuple[str, str]] = []

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        people = list(generate_registry(args.size, seed=1))
        verified = list(generate_verified(people, int(args.size * 0.3), seed=2))
        rows.append(("generated", f"{len(people):,} registry persons, {len(verified):,} "
                                  f"verifications in {time.perf_counter() - started:.1f} s"))
        path = Path(tmp) / "registry.csv"
        write_registry(people, path, PREFECTURE + CITY if args.relative_extract else "")
        del people
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        migrating.downgrade(engine, "base")
        migrating.upgrade(engine)
        sessions = session_factory(engine)

        started = time.perf_counter()
        result = import_registry(
            ImportRegistry(), rows=CsvFile(path, columns=COLUMNS, required=REQUIRED),
            uow_factory=lambda: unit_of_work(sessions), ids=TimeOrderedIds(),
            clock=SystemClock(), keyer=keyer)
        import_seconds = time.perf_counter() - started
        assert result.written, result.summary()
        rows.append(("registry import", f"{import_seconds:.1f} s ({result.created:,} persons, "
                                        f"{result.households_created:,} households, "
                                        f"{result.created / import_seconds:,.0f} rows/s)"))

        started = time.perf_counter()
        keys = [keyer.keys_for(v.facts) for v in verified]
        keying = time.perf_counter() - started
        scratch = MetaData()
        verifications = Table("bench_verifications", scratch,
                              Column("n", Integer, primary_key=True),
                              Column("person", String(32), index=True),
                              Column("place", String(32), index=True),
                              Column("reading", String(32), index=True))
        scratch.drop_all(engine)
        scratch.create_all(engine)
        with engine.begin() as connection:
            connection.execute(verifications.insert(), [
                {"n": n, "person": k.person, "place": k.place, "reading": k.reading}
                for n, k in enumerate(keys)])
            connection.execute(text("ANALYZE"))

        baseline = _timed_baseline(engine, verifications)
        started = time.perf_counter()
        decisions = _match(engine, verifications, keys)
        matching = time.perf_counter() - started
        truth = _truth(engine, verified)
        scratch.drop_all(engine)
        engine.dispose()

    linked = {n: d.resident_id for n, d in decisions.items() if d.outcome is MatchOutcome.EXACT}
    correct = sum(1 for n, rid in linked.items() if truth.get(rid) == verified[n].truth
                  and verified[n].linkable)
    wrong = len(linked) - correct
    linkable = sum(1 for v in verified if v.linkable)
    outcomes: dict[str, int] = defaultdict(int)
    for decision in decisions.values():
        outcomes[decision.outcome.value] += 1
    rows += [
        ("keying (normalize + HMAC)", f"{keying:.1f} s for {len(keys):,} verifications"),
        ("matching", f"{matching:.1f} s  (goal <= 30 s)"),
        ("plain SQL equi-join", f"{baseline:.2f} s on pre-normalized keys"),
        ("ratio matching / join", f"{matching / baseline:.1f}"),
        ("outcomes", ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items()))),
        ("precision", f"{correct / max(1, len(linked)):.4%}  ({wrong} wrong links; goal 100%)"),
        ("recall", f"{correct / max(1, linkable):.4%}  ({correct:,} of {linkable:,} linkable; "
                   f"goal >= 99.5%)"),
        ("peak memory", f"{peak_mb():,.0f} MB"),
    ]
    extract = "town-relative extract" if args.relative_extract else "full-address extract"
    setting = "town unset" if args.town_unset else f"town {PREFECTURE}{CITY}"
    report(f"registry import and matching, {args.size:,} persons "
           f"({'SQLite' if not args.database_url else 'PostgreSQL'}; {extract}, {setting})",
           rows)


def _timed_baseline(engine, verifications) -> float:  # type: ignore[no-untyped-def]
    r = residents
    started = time.perf_counter()
    with engine.connect() as connection:
        connection.execute(select(func.count()).select_from(verifications.join(
            r, (r.c.match_person == verifications.c.person)
            & (r.c.match_place == verifications.c.place)))).scalar_one()
    return time.perf_counter() - started


def _match(engine, verifications, keys):  # type: ignore[no-untyped-def]
    """Candidates for every verification by three indexed equi-joins, then the decision rules
    in memory (grouped in dicts, no loop over the registry)."""
    r, v = residents, verifications
    found: dict[str, Candidate] = {}
    with engine.connect() as connection:
        for key in ("person", "place", "reading"):
            column = r.c[f"match_{key}"]
            query = (select(r.c.id, r.c.match_person, r.c.match_place, r.c.match_reading,
                            r.c.registry_status).distinct()
                     .select_from(v.join(r, column == v.c[key])))
            for row in connection.execute(query):
                if row.id not in found:
                    found[row.id] = Candidate(
                        resident_id=row.id,
                        keys=MatchKeys(row.match_person, row.match_place, row.match_reading),
                        living=row.registry_status is RegistryStatus.RESIDENT)
    return decide_many(dict(enumerate(keys)), list(found.values()))


def _truth(engine, verified) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Resident id → resident number, for the people the verifications point at."""
    wanted = {v.truth for v in verified if v.truth}
    r = residents
    out: dict[str, str] = {}
    with engine.connect() as connection:
        for row in connection.execute(select(r.c.id, r.c.resident_number)):
            if row.resident_number in wanted:
                out[row.id] = row.resident_number
    return out


if __name__ == "__main__":
    main()
