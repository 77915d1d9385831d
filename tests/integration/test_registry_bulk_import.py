"""The registry import's bulk path on the database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set; ADR 0063): batches and their boundaries, upserts of persons already
there, the facts encrypted at rest, and match keys the same as a single row's."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Column, Engine, MetaData, String, Table, insert, select, text

from adapters.background.process_chunks import ProcessChunks
from adapters.persistence.orm.residents import household_members, households, residents
from adapters.persistence.orm.segments import resident_profiles
from adapters.persistence.repositories.registry_store import SqlRegistryStore
from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from adapters.system import TimeOrderedIds
from application.ports.registry_store import RegistryPerson
from application.residents.importing_registry import (
    ImportRegistry,
    RegistryImportReport,
    import_registry,
)
from application.residents.match_keys import HmacMatchKeyer
from application.residents.registry_preparing import PreparedRow, prepare_chunk
from application.residents.registry_rows import RegistryRow, parse_row
from domain.residents import RegistryStatus, Verification, VerificationState
from tests.fakes import FakeClock, SequentialIds, message_bus_on

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
KEYER = HmacMatchKeyer(b"k" * 32)
Person = tuple[str, str, str, str, str]  # number, household, relationship, name, address


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), message_bus_on())


def _cells(person: Person, status: str = "") -> dict[str, Any]:
    number, household, relationship, name, address = person
    return {"resident_number": number, "household_number": household,
            "relationship": relationship, "name": name, "kana": "ミホン",
            "date_of_birth": f"19{int(number) % 90 + 10}-04-01", "sex": "2",
            "address": address, "postal_code": "", "status": status}


def _rows(people: list[Person], bad: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
    for row, person in enumerate(people, 2):
        cells = _cells(person)
        if row == bad:
            cells["date_of_birth"] = "1990-02-30"
        yield row, cells


def _import(engine: Engine, people: list[Person], *, bad: int | None = None,
            batch_size: int = 2, ids: str = "x") -> RegistryImportReport:
    return import_registry(ImportRegistry(), rows=lambda: _rows(people, bad),
                           uow_factory=lambda: _uow(engine), ids=SequentialIds(ids),
                           clock=FakeClock(NOW), keyer=KEYER, batch_size=batch_size)


def _members(engine: Engine) -> dict[str, list[tuple[str, str]]]:
    """household number → [(resident number, relationship)] in order."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(households.c.household_number, residents.c.resident_number,
                   household_members.c.relationship)
            .join(household_members, household_members.c.household_id == households.c.id)
            .join(residents, residents.c.id == household_members.c.resident_id)
            .order_by(households.c.household_number, household_members.c.position)).all()
    found: dict[str, list[tuple[str, str]]] = {}
    for number, resident, relationship in rows:
        found.setdefault(number, []).append((resident, relationship))
    return found


def _sizes(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return dict(connection.execute(  # type: ignore[arg-type]
            select(residents.c.resident_number, resident_profiles.c.household_size)
            .join(resident_profiles, resident_profiles.c.resident_id == residents.c.id)).all())


# a household of three whose rows straddle the batches of two
TOWN: list[Person] = [
    ("101", "H1", "世帯主", "見本 太郎", "本町1-1"),
    ("102", "H1", "妻", "見本 花子", "本町1-1"),
    ("103", "H1", "子", "見本 一郎", "本町1-1"),
    ("201", "H2", "世帯主", "試験 次郎", "本町2-2"),
    ("202", "H2", "子", "試験 三子", "本町2-2"),
]


def test_a_household_split_across_two_batches_is_written_whole(engine: Engine) -> None:
    report = _import(engine, TOWN, batch_size=2)
    assert (report.created, report.households_created) == (5, 2)
    assert _members(engine) == {
        "H1": [("101", "世帯主"), ("102", "妻"), ("103", "子")],
        "H2": [("201", "世帯主"), ("202", "子")]}
    assert _sizes(engine) == {"101": 3, "102": 3, "103": 3, "201": 2, "202": 2}


def test_a_bad_row_in_a_later_batch_writes_nothing_at_all(engine: Engine) -> None:
    report = _import(engine, TOWN, bad=6, batch_size=2)  # 202, in the third batch
    assert not report.written
    assert [str(error) for error in report.errors] == [
        "6行目「生年月日」: 1990-02-30 は存在しない日付です。"]
    with engine.connect() as connection:
        for table in (residents, households, household_members, resident_profiles):
            assert connection.execute(select(table)).all() == []


def test_a_person_already_there_is_updated_in_place_by_the_upsert(engine: Engine) -> None:
    _import(engine, TOWN)
    with _uow(engine) as uow:
        taro = uow.residents.get_by_resident_number("101")
        assert taro is not None and taro.facts is not None
        taro.verify(taro.facts, Verification(subject="sub-1", provider="dev", assurance="high",
                                             verified_at=NOW))
        uow.commit()
        before = (taro.id, taro.created_at)
    moved = [(n, h, r, name, "本町9-9" if h == "H1" else address)
             for n, h, r, name, address in TOWN]
    report = _import(engine, moved, ids="y")
    assert (report.created, report.updated, report.unchanged) == (0, 3, 2)
    with _uow(engine) as uow:
        taro = uow.residents.get_by_resident_number("101")
        assert taro is not None and taro.facts is not None
        assert (taro.id, taro.created_at) == before
        assert taro.facts.address.text == "本町9-9"
        assert taro.verification is not None and taro.verification.subject == "sub-1"
        assert taro.verification_state is VerificationState.REVERIFY
        assert uow.residents.count() == 5


def test_the_facts_are_encrypted_at_rest(engine: Engine) -> None:
    _import(engine, TOWN)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT facts FROM residents")).scalars().all()
    assert len(stored) == 5
    for cell in stored:
        assert "見本" not in cell and "試験" not in cell and "本町" not in cell
        assert "1970-04-01" not in cell
    with _uow(engine) as uow:
        hanako = uow.residents.get_by_resident_number("102")
        assert hanako is not None and hanako.facts is not None
        assert hanako.facts.name.name == "見本 花子"


def test_a_bulk_write_to_a_table_with_a_default_made_in_python_still_gets_it(
        engine: Engine) -> None:
    """The driver's executemany applies no column default (ADR 0063, addendum): such a table
    is written through SQLAlchemy's own executemany instead."""
    scratch = MetaData()
    notes = Table("scratch_bulk_defaults", scratch, Column("id", String(8), primary_key=True),
                  Column("note", String(8), nullable=False, default="既定"))
    scratch.create_all(engine)
    try:
        with session_factory(engine)() as session:
            SqlRegistryStore(session)._executemany(insert(notes), [{"id": "a"}, {"id": "b"}])
            session.commit()
        with engine.connect() as connection:
            assert connection.execute(select(notes.c.id, notes.c.note).order_by(notes.c.id)
                                      ).all() == [("a", "既定"), ("b", "既定")]
    finally:
        scratch.drop_all(engine)


def test_the_match_keys_are_those_a_single_row_gets(engine: Engine) -> None:
    _import(engine, TOWN)
    with _uow(engine) as uow:
        stored = {r.resident_number: r.match_keys
                  for r in uow.residents.by_numbers([p[0] for p in TOWN]).values()}
    for row, person in enumerate(TOWN, 2):
        parsed = parse_row(row, _cells(person), today=NOW.date())
        assert isinstance(parsed, RegistryRow)
        assert stored[person[0]] == KEYER.keys_for(parsed.facts)


def test_the_same_file_again_writes_nothing(engine: Engine) -> None:
    _import(engine, TOWN)
    with engine.connect() as connection:
        before = connection.execute(select(residents).order_by(residents.c.id)).all()
    report = _import(engine, TOWN, ids="y")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 5)
    assert (report.households_created, report.households_updated) == (0, 0)
    with engine.connect() as connection:  # not even re-encrypted
        assert connection.execute(select(residents).order_by(residents.c.id)).all() == before


def test_a_stored_person_and_a_prepared_row_agree_until_one_fact_differs(
        engine: Engine) -> None:
    """ADR 0083: what the store reads back as plain values is what a prepared row carries, so
    an unchanged person needs no domain object; any one fact changed, and they differ."""
    base = {"resident_number": "301", "household_number": "H3", "relationship": "世帯主",
            "name": "見本 四郎", "kana": "", "date_of_birth": "S50.4.1", "sex": "男",
            "address": "本町3丁目3番地", "postal_code": "100-0001", "status": ""}
    gone = {**base, "resident_number": "302", "relationship": "子", "name": "見本 五郎",
            "kana": "ミホン ゴロウ", "postal_code": "", "status": "転出"}
    report = import_registry(ImportRegistry(), rows=lambda: iter([(2, base), (3, gone)]),
                             uow_factory=lambda: _uow(engine), ids=SequentialIds("z"),
                             clock=FakeClock(NOW), keyer=KEYER)
    assert report.created == 2

    def prepared(*rows: dict[str, Any], keyer: HmacMatchKeyer = KEYER) -> list[PreparedRow]:
        return [PreparedRow(plain) for plain in prepare_chunk(
            list(enumerate(rows, 2)), today=NOW.date(), keyer=keyer, seal=lambda facts: facts,
            ids=TimeOrderedIds())]

    with _uow(engine) as uow:
        stored = uow.registry.stored(["301", "302", "999"])
    assert set(stored) == {"301", "302"}
    assert all(row.same_as(stored[row.resident_number]) for row in prepared(base, gone))
    for changed in ({"postal_code": "100-0002"}, {"kana": "ミホン シロウ"}, {"sex": "女"},
                    {"date_of_birth": "S50.4.2"}, {"household_number": "H4"},
                    {"status": "死亡"}, {"address": "本町3丁目4番地"}):
        row, = prepared({**base, **changed})
        assert not row.same_as(stored["301"]), changed
    rekeyed, = prepared(base, keyer=HmacMatchKeyer(b"r" * 32))  # the secret rotated
    assert not rekeyed.same_as(stored["301"])


def test_a_move_between_households_in_different_batches_updates_both(engine: Engine) -> None:
    _import(engine, TOWN)
    # 103 moves to H2, whose rows now come first: H2 is rebuilt in the batch before H1
    moved = [TOWN[3], TOWN[4], ("103", "H2", "子の配偶者", "見本 一郎", "本町1-1"),
             TOWN[0], TOWN[1]]
    report = _import(engine, moved, batch_size=1, ids="y")
    assert (report.updated, report.households_updated) == (1, 2)
    assert _members(engine) == {
        "H1": [("101", "世帯主"), ("102", "妻")],
        "H2": [("201", "世帯主"), ("202", "子"), ("103", "子の配偶者")]}
    assert _sizes(engine) == {"101": 2, "102": 2, "103": 3, "201": 3, "202": 3}


def test_a_death_takes_the_person_out_of_the_household_and_its_size(engine: Engine) -> None:
    _import(engine, TOWN)
    rows = list(_rows(TOWN))
    rows[2][1]["status"] = "死亡"  # 103
    report = import_registry(ImportRegistry(), rows=lambda: iter(rows),
                             uow_factory=lambda: _uow(engine), ids=SequentialIds("y"),
                             clock=FakeClock(NOW), keyer=KEYER, batch_size=2)
    assert (report.updated, report.households_updated) == (1, 1)
    assert _members(engine)["H1"] == [("101", "世帯主"), ("102", "妻")]
    assert _sizes(engine) == {"101": 2, "102": 2, "103": 0, "201": 2, "202": 2}
    with _uow(engine) as uow:
        ichiro = uow.residents.get_by_resident_number("103")
        assert ichiro is not None and ichiro.registry_status is RegistryStatus.DECEASED


def test_the_values_a_batch_repeats_are_each_persons_own(engine: Engine) -> None:
    """A status is processed once per distinct value of a batch: each person still gets
    theirs."""
    rows = list(_rows(TOWN))
    rows[1][1]["status"], rows[3][1]["status"] = "転出", "死亡"  # 102, 201 (201 left H2)
    rows[4][1]["relationship"] = "世帯主"  # 202 heads H2 now
    report = import_registry(ImportRegistry(), rows=lambda: iter(rows),
                             uow_factory=lambda: _uow(engine), ids=SequentialIds("y"),
                             clock=FakeClock(NOW), keyer=KEYER, batch_size=5)
    assert report.written and report.created == 5, report.summary()
    with engine.connect() as connection:
        stored = dict(connection.execute(
            select(residents.c.resident_number, residents.c.registry_status)).all())
    assert stored == {"101": RegistryStatus.RESIDENT, "102": RegistryStatus.MOVED_OUT,
                      "103": RegistryStatus.RESIDENT, "201": RegistryStatus.DECEASED,
                      "202": RegistryStatus.RESIDENT}


def test_a_card_verification_committed_while_a_batch_is_written_stays(engine: Engine) -> None:
    _import(engine, TOWN)

    def _row(person: Person) -> RegistryRow:
        row = parse_row(2, _cells(person), today=NOW.date())
        assert isinstance(row, RegistryRow)
        return row

    with _uow(engine) as batch:  # the import reads its batch ...
        read = batch.registry.residents(["102"])
        hanako = read["102"]
        changed = hanako.update_from_registry(  # the extract moves her (she was unverified)
            household_number="H1", facts=_row(("102", "H1", "妻", "見本 花子", "本町9-9")).facts,
            status=RegistryStatus.RESIDENT, match_keys=hanako.match_keys)
        assert changed and hanako.verification_state is VerificationState.UNVERIFIED
        with _uow(engine) as resident:  # ... she verifies with her card meanwhile ...
            card = resident.residents.get_by_resident_number("102")
            assert card is not None and card.facts is not None
            card.verify(card.facts, Verification(subject="sub-2", provider="dev",
                                                 assurance="high", verified_at=NOW))
            resident.commit()
        batch.registry.save_persons([RegistryPerson.of(hanako, at=NOW,  # ... then it writes
                                                       verification_changed=False)])
        batch.commit()
    with _uow(engine) as uow:
        hanako_now = uow.residents.get_by_resident_number("102")
        assert hanako_now is not None and hanako_now.facts is not None
        assert hanako_now.facts.address.text == "本町9-9"
        assert hanako_now.verification_state is VerificationState.VERIFIED


# 4,500 persons in households of three: three chunks of rows for the workers
MANY: list[Person] = [(f"{n}", f"H{n // 3}", "世帯主" if n % 3 == 0 else "子", f"見本 {n}",
                       f"本町{n // 3}-1") for n in range(3000, 7500)]


def _import_spread(engine: Engine, people: list[Person], *, workers: ProcessChunks | None,
                   mode: str = "all_or_nothing", bad: int | None = None) -> RegistryImportReport:
    return import_registry(
        ImportRegistry(mode=mode), rows=lambda: _rows(people, bad),
        uow_factory=lambda: _uow(engine), ids=TimeOrderedIds(), clock=FakeClock(NOW),
        keyer=KEYER, batch_size=1000, workers=workers)


def test_an_import_in_worker_processes_writes_what_one_in_this_process_would(
        engine: Engine) -> None:
    """ADR 0080: the rows read, keyed and sealed in worker processes (three chunks of rows on
    two workers); importing the file again in this process finds every person unchanged, so
    the facts sealed there are the facts read here."""
    people = MANY
    report = _import_spread(engine, people, workers=ProcessChunks(2, min_chunks=2))
    assert (report.written, report.created, report.households_created) == (True, 4500, 1500)
    assert not multiprocessing.active_children()
    with _uow(engine) as uow:
        stored = uow.registry.residents([person[0] for person in people])
    for row, cells in _rows(people[:5] + people[-5:]):
        parsed = parse_row(row, cells, today=NOW.date())
        assert isinstance(parsed, RegistryRow)
        assert stored[parsed.resident_number].facts == parsed.facts
        assert stored[parsed.resident_number].match_keys == KEYER.keys_for(parsed.facts)
    assert _members(engine)["H1001"] == [("3003", "世帯主"), ("3004", "子"), ("3005", "子")]
    assert set(_sizes(engine).values()) == {3}
    again = _import(engine, people, batch_size=1000)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4500)


def test_errors_found_in_worker_processes_make_the_report_one_process_makes(
        engine: Engine) -> None:
    spread = _import_spread(engine, MANY, workers=ProcessChunks(2, min_chunks=2), bad=3000)
    assert spread == _import_spread(engine, MANY, workers=None, bad=3000)
    assert not spread.written and [(e.row, e.column) for e in spread.errors] == [
        (3000, "生年月日")]
    assert _members(engine) == {}
    taken = _import_spread(engine, MANY, workers=ProcessChunks(2, min_chunks=2),
                           mode="valid_rows", bad=3000)
    assert (taken.written, taken.created, taken.skipped, taken.households_created) == (
        True, 4497, 3, 1499)  # row 3,000's household of three is left out
    assert "H1999" not in _members(engine) and len(_members(engine)) == 1499
