"""The registry import's per-row work in chunks (ADR 0080), each row parsed once (ADR 0084):
what crosses to the writing process is the same row, keys, profile and facts as reading the
row there would give."""

from __future__ import annotations

import datetime as dt
import pickle

import pytest

from adapters.persistence.codecs import facts_to_json
from adapters.persistence.repositories.registry_store import _facts_parts
from application.ports.registry_store import SealedFacts, plain_facts
from application.ports.row_spool import as_is
from application.residents.match_keys import HmacMatchKeyer
from application.residents.profiles import profile_fields
from application.residents.registry_preparing import (
    PreparedRow,
    chunked,
    prepare_chunk,
    read_chunk,
)
from application.residents.registry_rows import RegistryRow, parse_row, seen_of
from application.residents.town import Town
from domain.residents import PersonalFacts, RegistryStatus
from tests.fakes import SequentialIds

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 6, 1)
KEYER = HmacMatchKeyer(b"a-secret-of-sixteen-bytes-or-more", Town.of(prefecture="岡山県",
                                                                    city="総社市"))


def _cells(number: str, relationship: str = "世帯主", **changes: str) -> dict[str, str]:
    cells = {"resident_number": number, "household_number": "H1", "relationship": relationship,
             "name": "総社　花子", "kana": "そうじゃ はなこ", "date_of_birth": "昭和60年4月1日",
             "sex": "女", "address": "中央一丁目1番1号", "postal_code": "719-1131",
             "status": ""}
    return {**cells, **changes}


ROWS = [(2, _cells("0001")), (3, _cells("0002", "妻", sex="9")),
        (4, _cells("0003", "子", status="転出", kana="")), (5, _cells("", "子"))]


def _sealed(facts: PersonalFacts) -> SealedFacts:
    return SealedFacts(f"sealed:{facts.name.name}")


def test_rows_are_cut_into_chunks_of_the_given_size_in_order() -> None:
    assert [len(chunk) for chunk in chunked(iter(range(5)), 2)] == [2, 2, 1]  # type: ignore[arg-type]
    assert list(chunked(iter([]), 2)) == []


def _read(prepare: bool) -> tuple[list, list, object]:  # type: ignore[type-arg]
    return read_chunk((prepare, ROWS), today=TODAY, keyer=KEYER, seal=_sealed,
                      ids=SequentialIds(), pack=lambda chunk: ("packed", chunk))


def test_a_read_chunk_is_what_each_row_alone_gives_and_its_valid_rows_prepared() -> None:
    seen, errors, packed = _read(True)
    parsed = [parse_row(row, cells, today=TODAY) for row, cells in ROWS]
    assert seen == [seen_of(row, cells, one)
                    for (row, cells), one in zip(ROWS, parsed, strict=True)]
    assert errors == [error for one in parsed if not isinstance(one, RegistryRow) for error in one]
    assert [error.row for error in errors] == [3, 5]
    assert packed == ("packed", prepare_chunk(ROWS, today=TODAY, keyer=KEYER, seal=_sealed,
                                              ids=SequentialIds()))


def test_a_chunk_read_after_a_wrong_row_is_checked_only() -> None:
    checked = _read(False)
    assert checked[:2] == _read(True)[:2]
    assert checked[2] is None


def test_a_chunk_packed_as_is_is_the_prepared_rows() -> None:
    _seen, _errors, packed = read_chunk((True, ROWS), today=TODAY, keyer=KEYER, seal=_sealed,
                                        ids=SequentialIds(), pack=as_is)
    assert [PreparedRow(plain).row for plain in packed] == [2, 4]


def test_a_prepared_row_reads_back_as_the_row_its_keys_its_profile_and_its_facts() -> None:
    chunk = pickle.loads(pickle.dumps(  # as a worker process gets and gives them
        prepare_chunk(ROWS, today=TODAY, keyer=pickle.loads(pickle.dumps(KEYER)),
                      seal=_sealed, ids=SequentialIds())))
    rows = [PreparedRow(plain) for plain in chunk]
    assert [row.row for row in rows] == [2, 4]  # the rows with errors are left out
    for prepared, (row, cells) in zip(rows, [ROWS[0], ROWS[2]], strict=True):
        parsed = parse_row(row, cells, today=TODAY)
        assert isinstance(parsed, RegistryRow)
        assert prepared.facts() == parsed.facts
        assert prepared.keys == KEYER.keys_for(parsed.facts)
        assert prepared.profile == profile_fields(parsed.facts)
        assert prepared.sealed == _sealed(parsed.facts)
        assert (prepared.resident_number, prepared.household_number, prepared.relationship,
                prepared.status, prepared.is_head) == (
            parsed.resident_number, parsed.household_number, parsed.relationship,
            parsed.status, parsed.is_head)
    assert rows[1].status is RegistryStatus.MOVED_OUT and not rows[1].is_head
    assert rows[0].id != rows[1].id


def test_a_store_that_keeps_facts_as_they_are_gets_the_facts_themselves() -> None:
    [plain] = prepare_chunk(ROWS[:1], today=TODAY, keyer=KEYER, seal=lambda facts: facts,
                            ids=SequentialIds())
    prepared = PreparedRow(plain)
    assert isinstance(prepared.sealed, PersonalFacts)
    assert prepared.sealed == prepared.facts()


def test_the_match_keyer_pickles_as_its_secret_and_town() -> None:
    other_town = HmacMatchKeyer(b"a-secret-of-sixteen-bytes-or-more")
    row = parse_row(2, _cells("0001", address="岡山県総社市中央一丁目1番1号"), today=TODAY)
    assert isinstance(row, RegistryRow)
    copy = pickle.loads(pickle.dumps(KEYER))
    assert copy.keys_for(row.facts) == KEYER.keys_for(row.facts)
    assert pickle.loads(pickle.dumps(other_town)).keys_for(row.facts).place \
        != KEYER.keys_for(row.facts).place


@pytest.mark.parametrize("changes", [{}, {"kana": "", "postal_code": ""}])
def test_the_sql_store_reads_the_facts_parts_a_prepared_row_carries(
        changes: dict[str, str]) -> None:
    """ADR 0083: the facts as the SQL store keeps them (their JSON) give back exactly the parts
    `plain_facts` makes, a missing reading and postal code included."""
    parsed = parse_row(2, _cells("0001", **changes), today=TODAY)
    assert isinstance(parsed, RegistryRow)
    assert _facts_parts(facts_to_json(parsed.facts)) == plain_facts(parsed.facts)
