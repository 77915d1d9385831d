"""Importing the resident registry extract (住民基本台帳) with the in-memory fakes."""

from __future__ import annotations

import codecs
import contextlib
import datetime as dt
import gc
import io
import logging
import weakref
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, Self

import pytest

from adapters.background.spooling import SpoolUnwritable
from adapters.csv_io import CsvFile, read_rows
from application.ports.row_spool import MemorySpool
from application.residents.importing_registry import (
    ImportRegistry,
    RegistryImportReport,
    import_registry,
)
from application.residents.registry_rows import (
    COLUMNS,
    REQUIRED,
    RegistryRow,
    RowError,
    parse_registry_date,
    parse_row,
)
from domain.errors import InvalidValue
from domain.households import Household
from domain.residents import (
    MatchKeys,
    PersonalFacts,
    RegistryStatus,
    Resident,
    Verification,
    VerificationState,
)
from domain.values import Sex
from tests.fakes import (
    _REPOSITORIES,
    JST,
    FakeClock,
    FakeDatabase,
    FakeHouseholds,
    FakeRegistryStore,
    FakeResidents,
    FakeUnitOfWork,
    SequentialIds,
    _clone,
)

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "registry"
HEADER = "宛名番号,世帯番号,続柄,氏名,氏名カナ,生年月日,性別,住所,郵便番号,異動区分"
TODAY = dt.date(2026, 6, 1)


# -- the repository methods the import needs, on top of the shared fakes --------------------------


class CopyOnRead(dict):  # type: ignore[type-arg]
    """A committed table whose entries are copied when first read, like rows a session loads:
    the shared fake copies every table on entry, which for a town of 20,000 persons in batches
    would make this suite slow. Iterating (as `commit` does) sees the entries as they are."""

    def __init__(self, committed: dict[str, Any]) -> None:
        super().__init__(committed)
        self._copied: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        if key not in self._copied:
            self._copied.add(key)
            super().__setitem__(key, _clone(super().__getitem__(key)))
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self:
            return default
        return self[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._copied.add(key)
        super().__setitem__(key, value)


class RegistryResidents(FakeResidents):
    def _where(self, **criteria: Any) -> list[Any]:
        return [self._store[key] for key, o in self._store.items()
                if all(getattr(o, k) == v for k, v in criteria.items())]

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Resident]:
        wanted = set(numbers)
        return {r.resident_number: self._store[key] for key, r in self._store.items()
                if r.resident_number in wanted}

    def numbers_in_registry(self) -> Iterable[str]:
        return [r.resident_number for r in self._store.values()
                if r.resident_number is not None
                and r.registry_status is not RegistryStatus.REMOVED]


class RegistryHouseholds(FakeHouseholds):
    def _where(self, **criteria: Any) -> list[Any]:
        return [self._store[key] for key, o in self._store.items()
                if all(getattr(o, k) == v for k, v in criteria.items())]

    def by_numbers(self, numbers: Sequence[str]) -> dict[str, Household]:
        wanted = set(numbers)
        return {h.household_number: self._store[key] for key, h in self._store.items()
                if h.household_number in wanted}


class RegistryUnitOfWork(FakeUnitOfWork):
    """The shared fake with the look-ups the import needs (`by_numbers`,
    `numbers_in_registry`) and tables copied on read."""

    def __enter__(self) -> Self:
        self._working = {name: CopyOnRead(table) for name, table in self.database.tables.items()}
        for name, repository in _REPOSITORIES.items():
            setattr(self, name, repository(self._working[name]))
        self.residents = RegistryResidents(self._working["residents"])
        self.households = RegistryHouseholds(self._working["households"])
        self.registry.tables = self._working
        return self


class PlainKeyer:
    """Keys that are the facts themselves: enough to see that keys are computed and kept."""

    def keys_for(self, facts: PersonalFacts) -> MatchKeys:
        born, sex = facts.date_of_birth.value.isoformat(), facts.sex.value
        return MatchKeys(person=f"{facts.name.name}|{born}|{sex}",
                         place=f"{facts.address.text}|{born}|{sex}",
                         reading=f"{facts.name.kana}|{born}|{sex}" if facts.name.kana else None)


class Town:
    """A database and everything `import_registry` is given."""

    def __init__(self) -> None:
        self.database = FakeDatabase()
        self.ids = SequentialIds()
        self.clock = FakeClock(dt.datetime(2026, 6, 1, 9, 0, tzinfo=JST))
        self.progress: list[tuple[int, int]] = []
        self.keyer: PlainKeyer = PlainKeyer()

    def uow(self) -> RegistryUnitOfWork:
        return RegistryUnitOfWork(self.database)

    def import_rows(self, rows: Any, *, batch_size: int = 1000,
                    **command: Any) -> RegistryImportReport:
        return import_registry(ImportRegistry(**command), rows=rows, uow_factory=self.uow,
                               ids=self.ids, clock=self.clock, keyer=self.keyer,
                               progress=lambda done, total: self.progress.append((done, total)),
                               batch_size=batch_size)

    def import_csv(self, text: str, **command: Any) -> RegistryImportReport:
        return self.import_bytes(text.encode("cp932"), **command)

    def import_bytes(self, data: bytes, **command: Any) -> RegistryImportReport:
        return self.import_rows(csv_rows(data), **command)

    def residents(self) -> dict[str, Resident]:
        return {r.resident_number: r for r in self.database.tables["residents"].values()}

    def resident(self, number: str) -> Resident:
        return self.residents()[number]

    def households(self) -> dict[str, Household]:
        return {h.household_number: h for h in self.database.tables["households"].values()}

    def members(self, household_number: str) -> dict[str, str]:
        """resident number → relationship; the head first."""
        by_id = {r.id: r.resident_number for r in self.residents().values()}
        household = self.households()[household_number]
        head = by_id[household.head_resident_id]
        members = {by_id[m.resident_id]: m.relationship for m in household.members}
        assert members[head] == "世帯主"
        return members

    def head(self, household_number: str) -> str:
        by_id = {r.id: r.resident_number for r in self.residents().values()}
        return by_id[self.households()[household_number].head_resident_id]

    def nothing_written(self) -> bool:
        return not self.database.tables["residents"] and not self.database.tables["households"]


def csv_rows(data: bytes) -> Any:
    """A re-iterable row source over bytes, like `CsvFile` over a file on disk."""
    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        yield from read_rows(io.BytesIO(data), columns=COLUMNS, required=REQUIRED)
    return rows


def registry(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


FAMILIES = registry(
    "1001,H1,世帯主,山田 太郎,ヤマダ タロウ,1960-04-01,男,窓口町1-1,1000001,",
    "1002,H1,妻,山田 花子,ヤマダ ハナコ,1962-05-05,女,窓口町1-1,1000001,",
    "1003,H1,子,山田 一郎,ヤマダ イチロウ,1990-01-10,男,窓口町1-1,1000001,",
    "2001,H2,世帯主,鈴木 次郎,スズキ ジロウ,S30.2.3,男,窓口町2-2,,",
    "2002,H2,子,鈴木 三子,スズキ ミツコ,H2.3.4,女,窓口町2-2,,",
)


@pytest.fixture
def town() -> Town:
    return Town()


# -- one row --------------------------------------------------------------------------------------


def cells(**overrides: str) -> dict[str, object]:
    row = {"resident_number": "1001", "household_number": "H1", "relationship": "世帯主",
           "name": "山田 太郎", "kana": "ヤマダ タロウ", "date_of_birth": "1960-04-01",
           "sex": "男", "address": "窓口町1-1", "postal_code": "", "status": ""}
    return {**row, **overrides}


@pytest.mark.parametrize("text", ["1985-04-01", "1985/4/1", "19850401", "1985年4月1日",
                                  "昭和60年4月1日", "S60.4.1", "s60/04/01", "１９８５－０４－０１",
                                  "昭和 60 年 4 月 1 日"])
def test_a_date_of_birth_is_read_in_western_and_japanese_era_forms(text: str) -> None:
    assert parse_registry_date(text) == dt.date(1985, 4, 1)


@pytest.mark.parametrize(("text", "day"), [("平成元年1月8日", dt.date(1989, 1, 8)),
                                           ("H1.1.8", dt.date(1989, 1, 8)),
                                           ("令和元年5月1日", dt.date(2019, 5, 1)),
                                           ("大正15年3月3日", dt.date(1926, 3, 3))])
def test_the_first_year_of_an_era_is_read(text: str, day: dt.date) -> None:
    assert parse_registry_date(text) == day


@pytest.mark.parametrize(("text", "message"), [
    ("1985-02-30", "1985-02-30 は存在しない日付です。"),
    ("昭和60年2月30日", "昭和60年2月30日 は存在しない日付です。"),
    ("平成元年1月7日", "平成元年1月7日 は存在しない日付です（平成は1989年1月8日からです）。"),
    ("昭和0年1月1日", "昭和0年1月1日 は存在しない日付です（昭和は元年＝1年から数えます）。"),
    ("四月一日", "「四月一日」を日付として読み取れません"),
])
def test_a_date_that_does_not_exist_or_cannot_be_read_says_so(text: str, message: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_registry_date(text)
    assert caught.value.message.startswith(message)


def test_a_valid_row_becomes_a_registry_row_with_the_four_facts() -> None:
    row = parse_row(2, cells(kana="ﾔﾏﾀﾞ ﾀﾛｳ", postal_code="100-0001", resident_number="１００１"),
                    today=TODAY)
    assert isinstance(row, RegistryRow)
    assert row.resident_number == "1001"
    assert row.is_head
    assert row.status is RegistryStatus.RESIDENT
    assert row.facts.name.kana == "ヤマダ タロウ"
    assert row.facts.address.postal_code == "1000001"
    assert row.facts.date_of_birth.value == dt.date(1960, 4, 1)
    assert row.facts.sex is Sex.MALE


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"date_of_birth": "1985-02-30"}, "3行目「生年月日」: 1985-02-30 は存在しない日付です。"),
    ({"date_of_birth": "2030-01-01"}, "3行目「生年月日」: 生年月日が未来の日付になっています。"),
    ({"sex": "不明"}, "3行目「性別」: 性別「不明」を読み取れません"),
    ({"name": ""}, "3行目「氏名」: 空欄です（必須の項目です）。"),
    ({"kana": "yamada"}, "3行目「氏名カナ」: 氏名のフリガナは全角カタカナで"),
    ({"postal_code": "12-34"}, "3行目「郵便番号」: 郵便番号は7桁の数字で"),
    ({"resident_number": "10-01"}, "3行目「宛名番号」: 「10-01」は宛名番号として使えません"),
    ({"household_number": "H 1"}, "3行目「世帯番号」: 「H 1」は世帯番号として使えません"),
    ({"status": "行方不明"}, "3行目「異動区分」: 「行方不明」は異動区分として読み取れません"),
    ({"_extra": ["2-3"]}, "3行目: 見出しのない列に値があります"),
])
def test_a_bad_cell_names_its_row_and_column(overrides: dict[str, Any], expected: str) -> None:
    errors = parse_row(3, cells(**overrides), today=TODAY)
    assert isinstance(errors, list) and len(errors) == 1
    assert str(errors[0]).startswith(expected)


def test_every_bad_cell_of_a_row_is_reported_at_once() -> None:
    errors = parse_row(5, cells(name="", sex="?", date_of_birth="x"), today=TODAY)
    assert [e.column for e in errors] == ["氏名", "生年月日", "性別"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "status"), [("", RegistryStatus.RESIDENT),
                                              ("住民", RegistryStatus.RESIDENT),
                                              ("転出", RegistryStatus.MOVED_OUT),
                                              ("死亡", RegistryStatus.DECEASED)])
def test_the_status_column_marks_moved_out_and_deceased(text: str,
                                                        status: RegistryStatus) -> None:
    row = parse_row(2, cells(status=text), today=TODAY)
    assert isinstance(row, RegistryRow) and row.status is status


def test_a_line_break_inside_an_address_cell_reads_as_a_space() -> None:
    row = parse_row(2, cells(address="窓口町1-1\r\n窓口荘"), today=TODAY)
    assert isinstance(row, RegistryRow) and row.facts.address.text == "窓口町1-1 窓口荘"


# -- importing ------------------------------------------------------------------------------------


def test_a_registry_file_creates_persons_with_match_keys_and_households(town: Town) -> None:
    report = town.import_csv(FAMILIES)
    assert report.written
    assert (report.rows_read, report.valid, report.error_count) == (5, 5, 0)
    assert (report.created, report.updated, report.unchanged, report.removed) == (5, 0, 0, 0)
    assert (report.households_created, report.households_updated) == (2, 0)
    taro = town.resident("1001")
    assert taro.household_number == "H1"
    assert taro.registry_status is RegistryStatus.RESIDENT
    assert taro.match_keys == MatchKeys(person="山田 太郎|1960-04-01|1",
                                        place="窓口町1-1|1960-04-01|1",
                                        reading="ヤマダ タロウ|1960-04-01|1")
    assert town.head("H1") == "1001"
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻", "1003": "子"}
    assert town.members("H2") == {"2001": "世帯主", "2002": "子"}
    assert town.resident("2002").facts.date_of_birth.value == dt.date(1990, 3, 4)  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["registry_cp932.csv", "registry_utf8.csv",
                                  "registry_utf8_bom.csv"])
def test_the_sample_files_import_the_same_whatever_their_encoding(town: Town, name: str) -> None:
    report = town.import_rows(CsvFile(FIXTURES / name, columns=COLUMNS, required=REQUIRED))
    assert (report.rows_read, report.valid, report.error_count, report.created) == (7, 7, 0, 7)
    assert town.resident("000101").facts.name.name == "髙橋 一郎"  # type: ignore[union-attr]
    assert town.resident("000103").facts.name.name == "髙橋 﨑太"  # type: ignore[union-attr]
    assert town.resident("000102").facts.name.kana == "タカハシ ハナコ"  # type: ignore[union-attr]
    assert town.resident("000202").registry_status is RegistryStatus.DECEASED
    assert town.resident("000302").registry_status is RegistryStatus.MOVED_OUT
    assert town.members("H0001") == {"000101": "世帯主", "000102": "妻", "000103": "子"}
    assert town.members("H0002") == {"000201": "世帯主"}
    assert town.members("H0003") == {"000301": "世帯主"}


def test_a_file_in_another_encoding_is_refused_and_nothing_written(town: Town) -> None:
    report = town.import_bytes(FAMILIES.encode("utf-16"), mode="valid_rows")
    assert not report.written
    assert town.nothing_written()
    assert [str(e) for e in report.errors] == [
        "文字コードを判別できません（UTF-8 または Shift_JIS(CP932) で保存してください）"]
    assert report.summary().startswith("ファイルを読み込めませんでした。文字コードを判別できません")


def test_a_file_unreadable_part_way_counts_the_rows_read_before_it(town: Town) -> None:
    data = (codecs.BOM_UTF8 + generated_registry(1_000).encode()
            + b"9999999,H9,\xff\xff,1980-01-01\r\n")  # a byte UTF-8 cannot have, far in
    report = town.import_bytes(data)
    assert not report.written and town.nothing_written()
    [error] = report.errors
    near = int(error.message.split("行目付近に読めない文字があります")[0])
    assert near > 2_000  # the text is decoded a block at a time: the error shows near its row
    assert report.rows_read == near - 2  # every row read before it (rows 2 to near − 1)


def test_a_binary_file_is_refused_and_nothing_written(town: Town) -> None:
    report = town.import_bytes(bytes(range(256)) * 10, mode="valid_rows")
    assert not report.written and town.nothing_written()


def test_a_file_without_a_required_column_is_refused_and_nothing_written(town: Town) -> None:
    text = FAMILIES.replace("生年月日", "誕生日")
    report = town.import_csv(text, mode="valid_rows")
    assert not report.written and town.nothing_written()
    assert "必須の列「生年月日」がありません" in report.errors[0].message


BAD_ROWS = registry(
    "1001,H1,世帯主,山田 太郎,,1960-04-01,男,窓口町1-1,,",
    "1002,H1,妻,山田 花子,,1962-02-30,女,窓口町1-1,,",
    "2001,H2,世帯主,鈴木 次郎,,1955-02-03,X,窓口町2-2,,",
    "3001,H3,世帯主,,,1970-01-01,女,窓口町3-3,,",
    "4001,H4,世帯主,佐藤 四郎,,1980-08-08,男,窓口町4-4,,",
    "4002,H4,子,佐藤 五郎,,2010-10-10,男,窓口町4-4,,",
)


def test_bad_rows_name_row_and_column_and_nothing_is_written_by_default(town: Town) -> None:
    report = town.import_csv(BAD_ROWS)
    assert not report.written and town.nothing_written()
    assert [str(e) for e in report.errors] == [
        "3行目「生年月日」: 1962-02-30 は存在しない日付です。",
        "4行目「性別」: 性別「X」を読み取れません（男・女、または 1・2 で指定してください）。",
        "5行目「氏名」: 空欄です（必須の項目です）。",
    ]
    assert report.error_count == 3
    assert report.valid == 2  # household H4
    assert "3件の誤り" in report.summary() and "何も取り込んでいません" in report.summary()
    assert town.progress == []


def test_with_valid_rows_chosen_the_households_without_errors_are_imported(town: Town) -> None:
    report = town.import_csv(BAD_ROWS, mode="valid_rows")
    assert report.written
    assert (report.rows_read, report.valid, report.skipped, report.created) == (6, 2, 4, 2)
    # the head of H1 is fine, but H1 is written whole or not at all
    assert set(town.residents()) == {"4001", "4002"}
    assert set(town.households()) == {"H4"}
    assert "取り込んでいません" in report.summary()


def test_skipped_households_keep_what_they_had(town: Town) -> None:
    town.import_csv(FAMILIES)
    changed = FAMILIES.replace("窓口町1-1,1000001", "窓口町9-9,1000009").replace(
        "1990-01-10", "1990-01-32")
    report = town.import_csv(changed, mode="valid_rows")
    assert report.written and report.error_count == 1
    assert town.resident("1001").facts.address.text == "窓口町1-1"  # type: ignore[union-attr]
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻", "1003": "子"}
    assert report.removed == 0  # persons of skipped rows are still in the file


def test_a_resident_number_twice_names_both_rows_and_skips_both_households(town: Town) -> None:
    text = FAMILIES.replace("2002,H2,子", "1002,H2,子")
    report = town.import_csv(text, mode="valid_rows")
    assert [str(e) for e in report.errors] == [
        "6行目「宛名番号」: 1002 が3行目・6行目で重複しています。"]
    assert set(town.households()) == set() and town.nothing_written()


def test_a_household_without_a_head_is_an_error(town: Town) -> None:
    text = FAMILIES.replace("2001,H2,世帯主", "2001,H2,子")
    report = town.import_csv(text)
    assert [str(e) for e in report.errors] == [
        "5行目「続柄」: 世帯番号 H2 に世帯主がいません（続柄が「世帯主」の行がありません）。"]
    assert town.nothing_written()


def test_a_household_with_two_heads_is_an_error(town: Town) -> None:
    text = FAMILIES.replace("1003,H1,子", "1003,H1,世帯主")
    report = town.import_csv(text, mode="valid_rows")
    assert [str(e) for e in report.errors] == [
        "4行目「続柄」: 世帯番号 H1 に世帯主が2人います（2行目・4行目）。"]
    assert set(town.households()) == {"H2"}


def test_a_bad_head_row_is_one_error_not_also_a_household_without_head(town: Town) -> None:
    report = town.import_csv(FAMILIES.replace("1960-04-01", "1960-13-01"))
    assert [e.column for e in report.errors] == ["生年月日"]


def test_a_row_without_a_readable_resident_number_stops_removals(town: Town) -> None:
    town.import_csv(FAMILIES)
    text = FAMILIES.replace("1003,H1,子,", "10-03,H1,子,")
    report = town.import_csv(text, mode="valid_rows")
    assert report.written and report.removed == 0
    assert "宛名番号を読み取れない行が1行あるため" in report.summary()
    assert all(r.registry_status is RegistryStatus.RESIDENT for r in town.residents().values())


def test_a_file_with_only_a_header_is_refused_and_removes_no_one(town: Town) -> None:
    town.import_csv(FAMILIES)
    report = town.import_csv(registry())
    assert not report.written
    assert "ファイルに住民の行がありません" in report.summary()
    assert all(r.registry_status is RegistryStatus.RESIDENT for r in town.residents().values())


def test_rows_are_named_as_excel_numbers_them_even_after_empty_lines(town: Town) -> None:
    text = "\r\n\r\n" + FAMILIES.replace("1962-05-05", "1962-05-55")
    report = town.import_csv(text)
    assert [str(e) for e in report.errors] == [
        "5行目「生年月日」: 1962-05-55 は存在しない日付です。"]


def test_the_summary_tells_staff_what_happened(town: Town) -> None:
    report = town.import_csv(FAMILIES)
    assert report.summary() == (
        "5行を読み込み、5行を取り込みました（新規5人・更新0人・変更なし0人）。"
        "世帯は新規2・更新0です。")


def test_importing_the_same_file_again_changes_nothing(town: Town) -> None:
    town.import_csv(FAMILIES)
    before = {n: (r.id, r.facts, r.household_number) for n, r in town.residents().items()}
    report = town.import_csv(FAMILIES)
    assert (report.created, report.updated, report.unchanged, report.removed) == (0, 0, 5, 0)
    assert (report.households_created, report.households_updated) == (0, 0)
    assert {n: (r.id, r.facts, r.household_number)
            for n, r in town.residents().items()} == before
    assert len(town.households()) == 2


class CountingKeyer(PlainKeyer):
    def __init__(self) -> None:
        self.keyed = 0

    def keys_for(self, facts: PersonalFacts) -> MatchKeys:
        self.keyed += 1
        return super().keys_for(facts)


def _family_lines(count: int) -> list[str]:
    return [f"{9000 + n},H{9000 + n},世帯主,山田 太郎,ヤマダ タロウ,1960-04-01,男,窓口町1-1,,"
            for n in range(count)]


def test_the_file_is_read_once_and_each_row_keyed_once(town: Town) -> None:
    read = csv_rows(registry(*_family_lines(4500)).encode("cp932"))
    calls = 0

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        nonlocal calls
        calls += 1
        return read()

    town.keyer = CountingKeyer()
    report = town.import_rows(rows)
    assert report.written and report.created == 4500
    assert (calls, town.keyer.keyed) == (1, 4500)


def test_a_file_refused_for_its_errors_prepares_no_chunk_after_the_first_error(
        town: Town) -> None:
    lines = _family_lines(6500)
    lines[10] = lines[10].replace("1960-04-01", "1960-02-30")  # in the first chunk of 2,000
    town.keyer = CountingKeyer()
    report = town.import_csv(registry(*lines))
    assert not report.written and report.error_count == 1
    assert town.keyer.keyed == 1999  # the first chunk's valid rows; none of the 4,500 after
    valid_rows = Town()
    valid_rows.keyer = CountingKeyer()
    assert valid_rows.import_csv(registry(*lines), mode="valid_rows").created == 6499
    assert valid_rows.keyer.keyed == 6499


class _UnwritableSpool(MemorySpool):
    def add(self, packed: Any) -> None:
        raise SpoolUnwritable()


def test_a_spool_the_disk_cannot_take_refuses_the_import_and_writes_nothing(town: Town) -> None:
    report = import_registry(ImportRegistry(), rows=csv_rows(FAMILIES.encode("cp932")),
                             uow_factory=town.uow, ids=town.ids, clock=town.clock,
                             keyer=town.keyer, spools=_UnwritableSpool)
    assert not report.written and town.nothing_written()
    assert report.rows_read == 5
    assert "一時ファイル" in report.summary() and "何も取り込んでいません" in report.summary()


def test_a_spool_that_cannot_be_made_refuses_the_import_and_writes_nothing(town: Town) -> None:
    def unmade() -> MemorySpool:
        raise SpoolUnwritable()

    report = import_registry(ImportRegistry(), rows=csv_rows(FAMILIES.encode("cp932")),
                             uow_factory=town.uow, ids=town.ids, clock=town.clock,
                             keyer=town.keyer, spools=unmade)
    assert not report.written and town.nothing_written() and report.rows_read == 0
    assert "TMPDIR" in report.summary()


def _residents_read(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The resident numbers the import reads as residents from now on."""
    asked: list[str] = []
    read = FakeRegistryStore.residents

    def residents(store: FakeRegistryStore, numbers: Sequence[str]) -> dict[str, Resident]:
        asked.extend(numbers)
        return read(store, numbers)

    monkeypatch.setattr(FakeRegistryStore, "residents", residents)
    return asked


def test_only_the_persons_an_extract_changes_are_read_as_residents(
        town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    """ADR 0083: the others are compared as plain values (a nightly extract changes few)."""
    town.import_csv(FAMILIES)
    asked = _residents_read(monkeypatch)
    report = town.import_csv(FAMILIES.replace("スズキ ミツコ", "スズキ ミツ"))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 4)
    assert asked == ["2002"]
    assert town.resident("2002").facts.name.kana == "スズキ ミツ"  # type: ignore[union-attr]


def test_a_person_stored_and_listed_as_moved_out_is_not_read_and_is_out_of_the_household(
        town: Town, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file imported again after a crash between its persons and its households: the
    person is as the row says, so no domain object is read, and the household is still made
    what the file says."""
    town.import_csv(FAMILIES)
    by_number = {r.resident_number: r for r in town.database.tables["residents"].values()}
    by_number["2002"].registry_status = RegistryStatus.MOVED_OUT  # written before the crash
    asked = _residents_read(monkeypatch)
    report = town.import_csv(FAMILIES.replace("H2.3.4,女,窓口町2-2,,", "H2.3.4,女,窓口町2-2,,転出"))
    assert (report.updated, report.unchanged) == (0, 5)
    assert asked == []
    assert town.members("H2") == {"2001": "世帯主"}


class RotatedKeyer(PlainKeyer):
    """Other keys for the same facts: the match-key secret rotated, or the town's name set."""

    def keys_for(self, facts: PersonalFacts) -> MatchKeys:
        keys = super().keys_for(facts)
        return MatchKeys(person=f"2|{keys.person}", place=f"2|{keys.place}",
                         reading=keys.reading, name_place=keys.name_place)


def test_persons_keyed_anew_are_written_although_no_fact_changed(town: Town) -> None:
    """ADR 0083 compares the keys as well as the facts: stale keys would match no one."""
    town.import_csv(FAMILIES)
    town.keyer = RotatedKeyer()
    report = town.import_csv(FAMILIES)
    assert (report.created, report.updated, report.unchanged) == (0, 5, 0)
    keys = town.resident("2002").match_keys
    assert keys is not None and keys.person.startswith("2|")


def test_an_address_change_asks_a_verified_resident_to_verify_again(town: Town) -> None:
    town.import_csv(FAMILIES)
    with town.uow() as uow:
        taro = uow.residents.get_by_resident_number("1001")
        taro.verify(taro.facts, Verification(subject="sub-1", provider="dev", assurance="high",
                                             verified_at=town.clock.now()))
        uow.commit()
    moved = FAMILIES.replace("窓口町1-1,1000001", "窓口町5-5,1000005")
    report = town.import_csv(moved)
    assert (report.updated, report.unchanged) == (3, 2)
    taro = town.resident("1001")
    assert taro.facts.address.text == "窓口町5-5"  # type: ignore[union-attr]
    assert taro.verification_state is VerificationState.REVERIFY
    assert taro.reverify_reason == "住所が変更されました。"
    assert taro.match_keys.place.startswith("窓口町5-5")  # type: ignore[union-attr]


def test_a_person_missing_from_a_full_extract_is_marked_removed_not_deleted(town: Town) -> None:
    town.import_csv(FAMILIES)
    without_ichiro = FAMILIES.replace(
        "1003,H1,子,山田 一郎,ヤマダ イチロウ,1990-01-10,男,窓口町1-1,1000001,\r\n", "")
    report = town.import_csv(without_ichiro)
    assert report.removed == 1
    assert town.resident("1003").registry_status is RegistryStatus.REMOVED
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻"}
    assert "ファイルにない1人を「台帳から削除」にしました" in report.summary()
    again = town.import_csv(without_ichiro)
    assert (again.removed, again.updated) == (0, 0)


def test_a_partial_extract_removes_no_one(town: Town) -> None:
    town.import_csv(FAMILIES)
    only_h2 = registry(*FAMILIES.splitlines()[4:])
    report = town.import_csv(only_h2, full_extract=False)
    assert report.removed == 0
    assert all(r.registry_status is RegistryStatus.RESIDENT for r in town.residents().values())


def test_a_full_extract_missing_many_persons_removes_no_one_and_says_why(town: Town) -> None:
    town.import_csv(generated_registry(20))
    report = town.import_csv(generated_registry(3))
    assert report.written and report.removed == 0
    assert "一部だけのファイルの可能性" in report.summary()
    forced = town.import_csv(generated_registry(3), max_removed_share=None)
    assert forced.removed > 10


def test_a_person_who_returns_to_the_registry_is_listed_again(town: Town) -> None:
    town.import_csv(FAMILIES)
    town.import_csv(FAMILIES.replace("1003,H1,子,山田 一郎,ヤマダ イチロウ,1990-01-10,男,"
                                     "窓口町1-1,1000001,\r\n", ""))
    report = town.import_csv(FAMILIES)
    assert report.updated == 1
    assert town.resident("1003").registry_status is RegistryStatus.RESIDENT
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻", "1003": "子"}


def test_moved_out_and_deceased_persons_are_marked_and_leave_their_household(town: Town) -> None:
    town.import_csv(FAMILIES)
    text = (FAMILIES.replace("窓口町1-1,1000001,\r\n1003", "窓口町1-1,1000001,死亡\r\n1003")
            .replace("1990-01-10,男,窓口町1-1,1000001,", "1990-01-10,男,窓口町1-1,1000001,転出"))
    report = town.import_csv(text)
    assert report.updated == 2 and report.households_updated == 1
    assert town.resident("1002").registry_status is RegistryStatus.DECEASED
    assert town.resident("1003").registry_status is RegistryStatus.MOVED_OUT
    assert town.members("H1") == {"1001": "世帯主"}


def test_a_person_moving_to_another_household_leaves_the_old_one(town: Town) -> None:
    town.import_csv(FAMILIES)
    text = FAMILIES.replace("1003,H1,子,", "1003,H2,子の配偶者,")
    report = town.import_csv(text)
    assert (report.updated, report.households_updated) == (1, 2)
    assert town.resident("1003").household_number == "H2"
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻"}
    assert town.members("H2") == {"2001": "世帯主", "2002": "子", "1003": "子の配偶者"}


def test_a_child_setting_up_a_new_household_founds_it(town: Town) -> None:
    town.import_csv(FAMILIES)
    report = town.import_csv(FAMILIES.replace("1003,H1,子,", "1003,H3,世帯主,"))
    assert (report.households_created, report.households_updated) == (1, 1)
    assert town.members("H3") == {"1003": "世帯主"}
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻"}


def test_a_new_head_takes_over_the_household(town: Town) -> None:
    town.import_csv(FAMILIES)
    text = (FAMILIES.replace("1001,H1,世帯主,", "1001,H1,夫,")
            .replace("1002,H1,妻,", "1002,H1,世帯主,"))
    report = town.import_csv(text)
    assert report.households_updated == 1
    assert town.head("H1") == "1002"
    assert town.members("H1") == {"1001": "夫", "1002": "世帯主", "1003": "子"}


def test_a_head_who_moves_away_from_a_household_no_longer_in_the_file_is_noted(
        town: Town) -> None:
    town.import_csv(FAMILIES)
    text = FAMILIES.replace("2001,H2,世帯主,", "2001,H1,祖父,").replace("2002,H2,子,",
                                                                       "2002,H1,孫,")
    report = town.import_csv(text)
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻", "1003": "子",
                                  "2001": "祖父", "2002": "孫"}
    # the domain cannot close a household yet: H2 still names its head, who is a member of H1
    # only (one household a person: the database refuses a second membership)
    assert town.head("H2") == "2001" and town.households()["H2"].members == []
    assert "1世帯は世帯主が" in report.summary()


def test_households_scattered_over_the_file_are_rebuilt_once_complete(town: Town) -> None:
    lines = FAMILIES.splitlines()
    shuffled = registry(lines[3], lines[4], lines[2], lines[5], lines[1])
    report = town.import_csv(shuffled, batch_size=2)
    assert report.households_created == 2
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻", "1003": "子"}
    assert town.members("H2") == {"2001": "世帯主", "2002": "子"}


def test_progress_is_reported_after_each_batch_and_repeated_while_households_are_written(
        town: Town) -> None:
    town.import_csv(generated_registry(1_000), batch_size=1000)  # 2,500 rows
    total = town.progress[-1][1]
    done = [done for done, _ in town.progress]
    assert town.progress[-1] == (total, total)
    assert done[:3] == [1000, 2000, total]
    assert len(done) > 3 and set(done[3:]) == {total}  # signs of life: the job's lease


def test_a_first_import_writes_its_persons_with_the_key_indexes_set_aside(town: Town) -> None:
    """Built after the persons and households (ADR 0085); not set aside once anyone is stored."""
    aside: list[bool] = []

    def imported() -> RegistryImportReport:
        return import_registry(
            ImportRegistry(), rows=csv_rows(FAMILIES.encode("cp932")), uow_factory=town.uow,
            ids=town.ids, clock=town.clock, keyer=town.keyer, batch_size=2,
            progress=lambda _done, _total: aside.append(
                "key_indexes_deferred" in town.database.tables["registry"]))

    assert imported().created > 2
    assert aside[0] and not aside[-1]
    assert "key_indexes_deferred" not in town.database.tables["registry"]
    aside.clear()
    assert imported().unchanged > 2
    assert aside and not any(aside)


@pytest.fixture
def collector_restored() -> Iterator[None]:
    """The collector running, and given back to the process as it was found."""
    running = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if running else gc.disable)()


@pytest.mark.usefixtures("collector_restored")
def test_an_import_reads_and_writes_with_the_collector_held_off(town: Town) -> None:
    """Its rows, members and households hold no cycles (ADR 0086); the process gets the
    collector back afterwards."""
    running: list[bool] = []

    def rows() -> Iterator[tuple[int, dict[str, object]]]:
        for row in csv_rows(FAMILIES.encode("cp932"))():
            running.append(gc.isenabled())
            yield row

    report = import_registry(
        ImportRegistry(), rows=rows, uow_factory=town.uow, ids=town.ids, clock=town.clock,
        keyer=town.keyer, batch_size=2,
        progress=lambda _done, _total: running.append(gc.isenabled()))

    assert report.created > 2 and running and not any(running)
    assert gc.isenabled()


class _Cycle:
    def __init__(self) -> None:
        self.itself = self


@pytest.mark.usefixtures("collector_restored")
def test_each_batch_s_cycles_are_freed_while_the_collector_is_held_off(town: Town) -> None:
    """Garbage made during a batch (SQLAlchemy's statements make a few cycles) does not wait
    for the import's end (ADR 0086): it is gone by the next batch."""
    made: list[weakref.ref[_Cycle]] = []
    freed: list[bool] = []

    def progress(_done: int, _total: int) -> None:
        freed.append(all(cycle() is None for cycle in made))
        made.append(weakref.ref(_Cycle()))

    import_registry(ImportRegistry(), rows=csv_rows(FAMILIES.encode("cp932")),
                    uow_factory=town.uow, ids=town.ids, clock=town.clock, keyer=town.keyer,
                    batch_size=2, progress=progress)

    assert len(freed) > 3 and all(freed)


def _fails(_done: int, _total: int) -> None:
    raise RuntimeError("the database went away")


@pytest.mark.usefixtures("collector_restored")
@pytest.mark.parametrize(("file", "progress"), [
    (registry(), None),  # refused: only the header
    (registry("1,H1,世帯主,見本 太郎,,1985-04-01,男,本町1-1,,", "2,H1,子,,,,,,,"), None),  # errors
    (FAMILIES, _fails),  # the writing fails
], ids=["refused", "errors", "failed"])
def test_the_collector_runs_again_however_an_import_ends(
        town: Town, file: str, progress: Any) -> None:
    with contextlib.suppress(RuntimeError):
        report = import_registry(
            ImportRegistry(), rows=csv_rows(file.encode("cp932")), uow_factory=town.uow,
            ids=town.ids, clock=town.clock, keyer=town.keyer, batch_size=2, progress=progress)
        assert not report.written

    assert gc.isenabled()


def test_an_unknown_mode_is_refused() -> None:
    with pytest.raises(InvalidValue):
        ImportRegistry(mode="some_rows")  # type: ignore[arg-type]


def test_no_personal_data_reaches_the_logs(town: Town, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    town.import_csv(BAD_ROWS, mode="valid_rows")
    town.import_bytes(FAMILIES.encode("utf-16"))
    logged = caplog.text
    assert logged  # counts are logged
    for personal in ("山田", "佐藤", "窓口町", "1962-02-30", "1001", "4001"):
        assert personal not in logged


def test_row_errors_read_as_row_and_column() -> None:
    assert str(RowError(3, "生年月日", "1985-02-30 は存在しない日付です。")) == (
        "3行目「生年月日」: 1985-02-30 は存在しない日付です。")
    assert str(RowError(None, None, "文字コードを判別できません")) == "文字コードを判別できません"


# -- a town-sized file ----------------------------------------------------------------------------


def generated_registry(households: int) -> str:
    """Households of one to four persons, ~2.5 per household, in file order."""
    lines = [HEADER]
    relationships = ("世帯主", "妻", "子", "子")
    number = 100000
    for h in range(households):
        for member in range(h % 4 + 1):
            number += 1
            born = dt.date(1940, 1, 1) + dt.timedelta(days=(number * 37) % 25000)
            lines.append(f"{number},H{h:06d},{relationships[member]},住民 {number},"
                         f"ジュウミン,{born:%Y/%m/%d},{1 + number % 2},窓口町{h}番地,,")
    return "\r\n".join(lines) + "\r\n"


def test_a_file_of_many_batches_imports_whole(town: Town) -> None:
    """Households split across batch boundaries are written whole (speed is bench/'s job)."""
    text = generated_registry(2_000)  # 5,000 persons
    report = town.import_csv(text, batch_size=700)
    assert (report.rows_read, report.created, report.households_created) == (5_000, 5_000,
                                                                             2_000)


def test_a_bad_row_in_a_later_batch_writes_nothing(town: Town) -> None:
    """The whole file is checked before a batch is written (ADR 0063)."""
    lines = generated_registry(400).splitlines()  # 1,000 persons: ten batches of 100
    bad = lines[-2].split(",")
    bad[5] = "2001-02-30"
    lines[-2] = ",".join(bad)
    report = town.import_csv("\r\n".join(lines) + "\r\n", batch_size=100)
    assert not report.written and report.error_count == 1
    assert [str(e) for e in report.errors] == [
        f"{len(lines) - 1}行目「生年月日」: 2001-02-30 は存在しない日付です。"]
    assert town.nothing_written() and town.progress == []


def test_a_household_split_across_batches_counts_each_member_once(town: Town) -> None:
    report = town.import_csv(FAMILIES, batch_size=2)  # H1's three rows in two batches
    assert (report.created, report.households_created) == (5, 2)
    assert town.members("H1") == {"1001": "世帯主", "1002": "妻", "1003": "子"}
    assert len(town.database.tables["resident_profiles"]) == 5
