"""Reading CSV files as town systems and Excel write them (adapters/csv_io.py)."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

from adapters.csv_io import (
    EXTRA_CELLS,
    UNDETECTABLE_ENCODING,
    CsvError,
    CsvFile,
    cp932_csv,
    detect_encoding,
    read_header,
    read_rows,
    safe_cell,
    utf8_csv,
)
from application.residents import registry_rows
from application.residents.registry_rows import COLUMNS, REQUIRED

pytestmark = pytest.mark.unit

FIXTURES = Path(__file__).parent.parent / "fixtures" / "registry"
SIMPLE = {"number": ("番号", "number"), "name": ("氏名", "name"), "note": ("備考",)}


def rows_of(data: bytes, columns=SIMPLE, required=("number", "name")) -> list[tuple[int, dict]]:
    return list(read_rows(io.BytesIO(data), columns=columns, required=required))


def error_of(data: bytes, columns=SIMPLE, required=("number", "name")) -> CsvError:
    with pytest.raises(CsvError) as caught:
        rows_of(data, columns, required)
    return caught.value


class Unseekable(io.RawIOBase):
    """An upload being received: it can be read once, front to back."""

    def __init__(self, data: bytes) -> None:
        self._data = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        chunk = self._data.read(len(buffer))
        buffer[:len(chunk)] = chunk
        return len(chunk)


# -- encodings ------------------------------------------------------------------------------------


def test_cp932_and_utf8_files_with_and_without_bom_read_the_same() -> None:
    read = {name: list(CsvFile(FIXTURES / name, columns=COLUMNS, required=REQUIRED)())
            for name in ("registry_cp932.csv", "registry_utf8.csv", "registry_utf8_bom.csv")}
    assert read["registry_cp932.csv"] == read["registry_utf8.csv"] == read["registry_utf8_bom.csv"]
    first_row, first = read["registry_utf8.csv"][0]
    assert first_row == 2
    assert first["name"] == "髙橋 一郎"
    assert first["address"] == "窓口町1丁目2番3号, 窓口荘101"
    assert [row for row, _ in read["registry_utf8.csv"]] == [2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize(("data", "encoding"), [
    (codecs.BOM_UTF8 + "番号,氏名\n1,山田\n".encode(), "utf-8-sig"),
    ("番号,氏名\n1,山田\n".encode(), "utf-8"),
    ("番号,氏名\n1,山田\n".encode("cp932"), "cp932"),
    (b"number,name\n1,Yamada\n", "utf-8"),
    (b"number,name\n" * 100_000 + "1,髙橋\n".encode("cp932"), "cp932"),
])
def test_the_encoding_is_detected_and_the_stream_left_where_it_was(data: bytes,
                                                                    encoding: str) -> None:
    stream = io.BytesIO(data)
    assert detect_encoding(stream) == encoding
    assert stream.tell() == 0


@pytest.mark.parametrize("data", [
    "番号,氏名\r\n1,山田\r\n".encode("utf-16"),
    "番号,氏名\r\n1,山田\r\n".encode("utf-16-le"),
    bytes(range(256)) * 4,
])
def test_a_file_neither_utf8_nor_cp932_is_refused_with_a_clear_message(data: bytes) -> None:
    assert error_of(data).message == UNDETECTABLE_ENCODING


def test_an_excel_workbook_is_refused_with_a_hint_to_save_it_as_csv() -> None:
    assert "CSV" in error_of(b"PK\x03\x04" + bytes(200)).message


def test_utf8_text_with_cp932_bytes_inside_names_the_row() -> None:
    data = "番号,氏名\n1,山田\n".encode() + "2,髙橋\n".encode("cp932")
    error = error_of(data)
    assert error.row == 3
    assert "3行目付近" in error.message


def test_a_cp932_file_is_recognised_without_reading_it_to_the_end() -> None:
    data = "番号,氏名\n".encode("cp932") + b"1,x\n" * 2_000_000
    stream = io.BytesIO(data)
    rows = read_rows(stream, columns=SIMPLE, required=("number",))
    assert next(rows) == (2, {"number": "1", "name": "x"})
    assert stream.tell() < len(data) // 2


# -- shape of the file ----------------------------------------------------------------------------


def test_crlf_quotes_trailing_empty_lines_and_excel_empty_columns_are_fine() -> None:
    data = ('番号,氏名,備考,,\r\n1,"山田, 太郎","一行目\r\n二行目",,\r\n'
            '2,"鈴木 ""次郎""",,,\r\n,,,,\r\n\r\n\r\n').encode("cp932")
    assert rows_of(data) == [
        (2, {"number": "1", "name": "山田, 太郎", "note": "一行目\r\n二行目"}),
        (3, {"number": "2", "name": '鈴木 "次郎"', "note": ""}),
    ]


def test_rows_are_numbered_as_excel_shows_them() -> None:
    # an empty row still counts; a cell spanning two lines is one row
    data = '番号,氏名\n1,"山田\n太郎"\n\n3,鈴木\n'.encode()
    assert [row for row, _ in rows_of(data)] == [2, 4]


def test_header_names_are_matched_loosely_and_english_aliases_accepted() -> None:
    data = " 番号 ,Ｎａｍｅ,不明な列\n1,山田,x\n".encode()
    header = read_header(io.BytesIO(data), columns=SIMPLE, required=("number", "name"))
    assert header.positions == {"number": 0, "name": 1}
    assert header.ignored == ("不明な列",)
    assert rows_of(data) == [(2, {"number": "1", "name": "山田"})]


def test_a_missing_required_column_is_named() -> None:
    error = error_of("番号,備考\n1,x\n".encode())
    assert error.message.startswith("必須の列「氏名」がありません")
    assert error.row == 1


def test_a_missing_column_of_the_registry_is_named_in_japanese() -> None:
    data = "宛名番号,世帯番号,続柄,氏名,性別,住所\n1,1,世帯主,山田,男,窓口町\n".encode()
    error = error_of(data, COLUMNS, REQUIRED)
    assert "必須の列「生年月日」がありません" in error.message


def test_a_field_given_twice_under_two_names_is_refused() -> None:
    error = error_of("番号,氏名,name\n1,山田,Yamada\n".encode())
    assert "「氏名」と「name」は同じ項目です" in error.message


def test_a_file_without_any_known_column_hints_at_the_encoding_or_separator() -> None:
    assert "区切り文字" in error_of("番号\t氏名\n1\t山田\n".encode()).message


def test_an_empty_file_is_refused() -> None:
    assert "空" in error_of(b"\r\n\r\n").message


def test_cells_without_a_header_are_passed_on_so_the_row_can_be_named() -> None:
    data = "番号,氏名\n1,山田\n2,窓口町1,2-3\n".encode()
    assert rows_of(data) == [(2, {"number": "1", "name": "山田"}),
                             (3, {"number": "2", "name": "窓口町1", EXTRA_CELLS: ["2-3"]})]
    assert EXTRA_CELLS == registry_rows.EXTRA_CELLS


def test_a_short_row_reads_as_empty_cells() -> None:
    assert rows_of("番号,氏名,備考\n1\n".encode()) == [(2, {"number": "1", "name": "",
                                                            "note": ""})]


# -- streams --------------------------------------------------------------------------------------


def test_a_stream_that_cannot_seek_is_read_too() -> None:
    data = "番号,氏名\n1,髙橋\n".encode("cp932")
    stream = io.BufferedReader(Unseekable(data))
    assert list(read_rows(stream, columns=SIMPLE)) == [(2, {"number": "1", "name": "髙橋"})]


def test_reading_leaves_the_callers_stream_open() -> None:
    stream = io.BytesIO("番号,氏名\n1,山田\n".encode())
    list(read_rows(stream, columns=SIMPLE))
    assert not stream.closed


def test_a_csv_file_can_be_read_again_and_again(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("番号,氏名\r\n1,山田\r\n2,鈴木\r\n".encode("cp932"))
    rows = CsvFile(path, columns=SIMPLE, required=("number",))
    assert list(rows()) == list(rows()) == [(2, {"number": "1", "name": "山田"}),
                                            (3, {"number": "2", "name": "鈴木"})]
    assert rows.header().positions == {"number": 0, "name": 1}


# -- writing: every cell a spreadsheet could run is neutralised ------------------------------------

@pytest.mark.parametrize("cell", ['=HYPERLINK("http://evil.example/","x")', "+81 90", "-1+1",
                                  "@SUM(A1)", "\tTAB", "\rCR", "＝1+1", "＋1", "＠A1"])
def test_a_cell_that_a_spreadsheet_could_run_gets_an_apostrophe(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["山田 太郎", "H0001", "1234567", "", "a=b", "ヤマダ-タロウ"])
def test_ordinary_cells_are_written_as_they_are(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_the_one_csv_writer_neutralises_formulas_in_cp932_with_crlf() -> None:
    data = b"".join(cp932_csv(("氏名", "住所"), [("=1+2", "𠮷野町")]))

    assert data.decode("cp932") == '"氏名","住所"\r\n"\'=1+2","〓野町"\r\n'


def test_the_same_writer_in_utf8_keeps_every_name_behind_a_byte_order_mark() -> None:
    data = b"".join(utf8_csv(("name", "address"), [("=1+2", "𠮷野町"), ('"髙橋"', "")]))

    assert data.startswith(codecs.BOM_UTF8)
    assert data.decode("utf-8-sig") == ('"name","address"\r\n"\'=1+2","𠮷野町"\r\n'
                                        '"""髙橋""",""\r\n')
