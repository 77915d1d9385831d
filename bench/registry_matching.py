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
    .venv/bin/python -m bench.registry_matching --size 1000000 --repeat 1 --timings 3 \\
        --database-url postgresql://…   # one import, the matching timed three times

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

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url

from adapters.background.spooling import SealedFileSpool
from adapters.crypto import FieldCipher, new_key
from adapters.csv_io import CsvFile
from adapters.persistence import migrating, orm
from adapters.persistence.database import make_engine
from adapters.persistence.orm.messaging import channel_identities
from adapters.persistence.orm.residents import identity_verifications, residents
from adapters.persistence.unit_of_work import session_factory
from adapters.system import SystemClock, TimeOrderedIds
from application.ports.matching_queries import MatchScope
from application.residents.importing_registry import ImportRegistry, import_registry
from application.residents.match_keys import HmacMatchKeyer
from application.residents.matching import Candidate, decide_many
from application.residents.matching_batch import BatchMatch, match_batch
from application.residents.registry_rows import COLUMNS, REQUIRED
from application.residents.town import Town
from bench.common import median, report, unit_of_work
from domain.channels import IdentityStatus
from domain.residents import MatchKeys, RegistryStatus
from domain.verifications import MatchOutcome, VerificationStatus
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


OPEN = (VerificationStatus.REVIEW, VerificationStatus.UNMATCHED)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="registry persons")
    parser.add_argument("--database-url", default=None,
                        help="default: a fresh SQLite file; a PostgreSQL database here is "
                             "dropped and created again for each run")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs, each on a fresh database; the medians are printed")
    parser.add_argument("--timings", type=int, default=1,
                        help="times the matching and the joins are timed on each run's "
                             "database (matching only reads); each run keeps its medians")
    parser.add_argument("--compare", action="store_true",
                        help="also decide by the rules alone over all candidates and check "
                             "both agree")
    parser.add_argument("--relative-extract", action="store_true",
                        help="the extract's addresses without the town's prefecture and city")
    parser.add_argument("--town-unset", action="store_true",
                        help="key without the town's prefecture and city")
    args = parser.parse_args()
    if args.timings < 1 or args.repeat < 1:
        parser.error("--repeat and --timings are at least 1")
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
        started = time.perf_counter()
        keys = [keyer.keys_for(v.facts) for v in verified]
        rows.append(("keying (normalize + HMAC)",
                     f"{time.perf_counter() - started:.1f} s for {len(keys):,} verifications"))
        runs = []
        for n in range(args.repeat):
            run = _run(args, Path(tmp) / f"bench-{n}.db", path, keyer, verified, keys)
            runs.append(run)
            print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in run.items()
                                                 if isinstance(v, float)), flush=True)

    def mid(name: str) -> float:
        return median([run[name] for run in runs])

    last = runs[-1]
    rows += [
        ("registry import", f"{mid('import'):.1f} s ({last['created']:,} persons, "
                            f"{last['created'] / mid('import'):,.0f} rows/s)"),
        ("matching", f"{mid('matching'):.2f} s  (goal <= 30 s)"),
        ("bare SQL equi-join", f"{mid('join'):.2f} s (verifications x registry on person and "
                               f"place keys, count only)"),
        ("ratio matching / join", f"{mid('ratio'):.1f}  (goal <= 3)"),
        ("the same on CPU time", f"matching {mid('matching_cpu'):.2f} s, join "
                                 f"{mid('join_cpu'):.2f} s, ratio {mid('cpu_ratio'):.1f} (this "
                                 f"process's; SQLite runs in it, PostgreSQL does not)"),
        ("same join, narrow table", f"{mid('narrow'):.2f} s (the scratch key table, the "
                                    f"baseline before ADR 0064); ratio "
                                    f"{mid('narrow_ratio'):.1f}"),
    ]
    if args.compare:
        rows.append(("rules alone (before)", f"{mid('rules'):.2f} s, ratio "
                                             f"{mid('rules') / mid('join'):.1f}; same decisions: "
                                             f"{all(run['agree'] for run in runs)}"))
    rows += [
        ("outcomes", ", ".join(f"{k} {v:,}" for k, v in sorted(last["outcomes"].items()))),
        ("precision", f"{last['correct'] / max(1, last['linked']):.4%}  "
                      f"({last['linked'] - last['correct']} wrong links; goal 100%)"),
        ("recall", f"{last['correct'] / max(1, last['linkable']):.4%}  ({last['correct']:,} of "
                   f"{last['linkable']:,} linkable; goal >= 99.5%)"),
        ("peak memory", f"{peak_mb():,.0f} MB"),
    ]
    extract = "town-relative extract" if args.relative_extract else "full-address extract"
    setting = "town unset" if args.town_unset else f"town {PREFECTURE}{CITY}"
    report(f"registry import and matching, {args.size:,} persons "
           f"({'SQLite' if not args.database_url else 'PostgreSQL'}; {extract}, {setting}; "
           f"median of {args.repeat} runs, {args.timings} timings each)", rows)


def _run(args, sqlite_file, path, keyer, verified, keys):  # type: ignore[no-untyped-def]
    """One run on a fresh database: import, store the verifications, time the join and the
    matching, score the links."""
    engine = _fresh_database(args.database_url, sqlite_file)
    migrating.upgrade(engine)
    sessions = session_factory(engine)
    started = time.perf_counter()
    result = import_registry(
        ImportRegistry(), rows=CsvFile(path, columns=COLUMNS, required=REQUIRED),
        uow_factory=lambda: unit_of_work(sessions), ids=TimeOrderedIds(),
        clock=SystemClock(), keyer=keyer, spools=SealedFileSpool)
    import_seconds = time.perf_counter() - started
    assert result.written, result.summary()
    narrow = _store_verifications(engine, verified, keys)
    timings = []
    for _ in range(args.timings):  # interleaved: the baseline and the matching share the moment
        timing, batch = _timed_matching(engine, sessions, narrow)
        timings.append(timing)
    run = {"import": import_seconds,
           **{name: median([t[name] for t in timings]) for name in timings[0]}}
    if args.compare:
        started = time.perf_counter()
        decisions = _decide_by_rules(engine)
        run["rules"] = time.perf_counter() - started
        run["agree"] = dict(batch.decisions()) == decisions
    truth = _truth(engine, verified)
    engine.dispose()
    sqlite_file.unlink(missing_ok=True)
    return run | _scored(batch, truth, verified) | {"created": result.created}


def _timed_matching(engine, sessions, narrow):  # type: ignore[no-untyped-def]
    """The bare join, the narrow join and the matching, once each; and the batch."""
    v = identity_verifications
    cpu = time.process_time()
    join = _timed_join(engine, v.c.match_person, v.c.match_place)
    join_cpu = time.process_time() - cpu
    narrow_join = _timed_join(engine, narrow.c.person, narrow.c.place)
    started, cpu = time.perf_counter(), time.process_time()
    with unit_of_work(sessions) as uow:
        batch = match_batch(MatchScope(statuses=OPEN), queries=uow.queries.matching)
    matching, matching_cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"matching": matching, "join": join, "ratio": matching / join, "narrow": narrow_join,
            "narrow_ratio": matching / narrow_join, "matching_cpu": matching_cpu,
            "join_cpu": join_cpu, "cpu_ratio": matching_cpu / max(join_cpu, 1e-9)}, batch


def _fresh_database(url, sqlite_file):  # type: ignore[no-untyped-def]
    if url is None:
        sqlite_file.unlink(missing_ok=True)
        return make_engine(f"sqlite:///{sqlite_file}")
    wanted = make_url(url)
    server = create_engine(wanted.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{wanted.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{wanted.database}"'))
    server.dispose()
    return make_engine(url)


def _vid(n: int) -> str:
    return f"v{n:08d}"


def _store_verifications(engine, verified, keys) -> Table:  # type: ignore[no-untyped-def]
    """The verifications as they arrive (open: to be matched), from one bench identity; and
    their keys again in a narrow scratch table (the baseline before ADR 0064)."""
    now = SystemClock().now()
    scratch = MetaData()
    narrow = Table("bench_verifications", scratch,
                   Column("n", Integer, primary_key=True),
                   Column("person", String(32), index=True),
                   Column("place", String(32), index=True),
                   Column("reading", String(32), index=True))
    scratch.create_all(engine)
    with engine.begin() as connection:
        connection.execute(channel_identities.insert(), [{
            "id": "bench-identity", "channel": "line", "address": "Ubench",
            "status": IdentityStatus.FOLLOWING, "created_at": now}])
        for start in range(0, len(keys), 10_000):
            chunk = range(start, min(start + 10_000, len(keys)))
            connection.execute(identity_verifications.insert(), [{
                "id": _vid(n), "identity_id": "bench-identity", "provider": "bench",
                "subject": f"subject-{n}", "assurance": "card", "verified_at": now,
                "facts": verified[n].facts, "match_person": keys[n].person,
                "match_place": keys[n].place, "match_reading": keys[n].reading,
                "match_name_place": keys[n].name_place,
                "status": VerificationStatus.UNMATCHED, "outcome": MatchOutcome.NONE,
                "reason": "", "candidate_ids": [], "version": 1} for n in chunk])
            connection.execute(narrow.insert(), [
                {"n": n, "person": keys[n].person, "place": keys[n].place,
                 "reading": keys[n].reading} for n in chunk])
        connection.execute(text("ANALYZE"))
    return narrow


def _timed_join(engine, person, place) -> float:  # type: ignore[no-untyped-def]
    r = residents
    started = time.perf_counter()
    with engine.connect() as connection:
        connection.execute(select(func.count()).select_from(person.table.join(
            r, (r.c.match_person == person) & (r.c.match_place == place)))).scalar_one()
    return time.perf_counter() - started


def _decide_by_rules(engine) -> dict:  # type: ignore[type-arg]
    """Before ADR 0064: every candidate sharing any key with any verification, by one indexed
    equi-join per key, then the rules in memory (grouped in dicts, no loop over the registry)."""
    r, v = residents, identity_verifications
    found: dict[str, Candidate] = {}
    with engine.connect() as connection:
        keys = {row.id: MatchKeys(row.match_person, row.match_place, row.match_reading,
                                  row.match_name_place)
                for row in connection.execute(select(v.c.id, v.c.match_person, v.c.match_place,
                                                     v.c.match_reading, v.c.match_name_place))}
        for key in ("person", "place", "reading", "name_place"):
            column = r.c[f"match_{key}"]
            query = (select(r.c.id, r.c.match_person, r.c.match_place, r.c.match_reading,
                            r.c.match_name_place, r.c.registry_status).distinct()
                     .select_from(v.join(r, column == v.c[f"match_{key}"])))
            for row in connection.execute(query):
                if row.id not in found:
                    found[row.id] = Candidate(
                        resident_id=row.id,
                        keys=MatchKeys(row.match_person, row.match_place, row.match_reading,
                                       row.match_name_place),
                        living=row.registry_status is RegistryStatus.RESIDENT)
    return decide_many(keys, sorted(found.values(), key=lambda c: c.resident_id))


def _scored(batch: BatchMatch, truth: dict[str, str],
            verified) -> dict:  # type: ignore[no-untyped-def,type-arg]
    correct = 0
    for vid, rid in batch.links.items():
        person = verified[int(vid[1:])]
        correct += person.linkable and truth.get(rid) == person.truth
    outcomes: dict[str, int] = defaultdict(int)
    outcomes[MatchOutcome.EXACT.value] = len(batch.links)
    for decision in batch.held.values():
        outcomes[decision.outcome.value] += 1
    return {"correct": correct, "linked": len(batch.links), "outcomes": dict(outcomes),
            "linkable": sum(1 for v in verified if v.linkable)}


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
