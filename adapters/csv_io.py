"""CSV files from town systems and Excel: bytes in, `(row number, {field: text})` out.

Generic on purpose (the registry extract uses it, and so will eligibility lists): the caller
gives an alias table `{field: (header, other header, ...)}` (the first header is the label used
in messages) and the fields that must be present.

What real files look like, and how they are read:
- encoding: a UTF-8 BOM means UTF-8; a file that is valid UTF-8 throughout is UTF-8; otherwise
  CP932 (Windows Shift_JIS, what Excel's 「CSV（コンマ区切り）」 writes). Anything else (UTF-16,
  an Excel workbook, binary) is refused with a message staff can act on;
- CRLF or LF, quoted fields (with commas and line breaks inside), trailing empty lines, and the
  empty trailing columns Excel adds are all fine;
- the header is the first non-empty row. Header names are compared after NFKC, without spaces,
  underscores or hyphens, case-insensitively (「 生年月日 」, `Date_of_Birth`). Columns the table
  does not know are ignored (`CsvFile.header().ignored` names them); a field named twice, or a
  required field missing, is an error;
- row numbers are what a person sees in Excel: the header is row 1 when it is the first line,
  and empty rows are counted but not yielded;
- cells are stripped of surrounding spaces; a row shorter than the header gets "" for the rest;
  non-empty cells in columns without a header (a shifted row: an unquoted comma in an address)
  are passed under the key `EXTRA_CELLS` so the caller can name the row.

The file is streamed: one pass to check the encoding (it stops early for CP932), one to read.
Errors are `CsvError` (an `InvalidValue`): Japanese, naming rows and columns, never cell values.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import itertools
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from attrs import frozen

from domain.errors import InvalidValue

__all__ = [
    "EXTRA_CELLS",
    "UNDETECTABLE_ENCODING",
    "CsvError",
    "CsvFile",
    "Header",
    "cp932_csv",
    "detect_encoding",
    "read_header",
    "read_rows",
    "safe_cell",
    "utf8_csv",
]

EXTRA_CELLS = "_extra"  # non-empty cells in columns without a header, in file order
UNDETECTABLE_ENCODING = (
    "文字コードを判別できません（UTF-8 または Shift_JIS(CP932) で保存してください）")
_CHUNK = 1 << 20
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\uf8f0-\uf8f3]")
_HEADER_NOISE = re.compile(r"[\s_\-\ufeff\"']")
_FORMULA_STARTS = frozenset("=+-@\t\r＝＋－＠")  # what a spreadsheet may run as a formula

Columns = Mapping[str, Sequence[str]]
Row = tuple[int, dict[str, object]]


class CsvError(InvalidValue):
    """The file cannot be read as a whole (encoding, header, broken quoting)."""

    code = "csv_invalid"

    def __init__(self, message: str, *, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


@frozen
class Header:
    row: int  # the header's row number (1 unless empty rows come first)
    positions: dict[str, int]  # field → column index
    ignored: tuple[str, ...]  # header names the table does not know
    named: frozenset[int]  # indexes of the columns with a header name (known or not)
    width: int  # cells in the header row, named or not


# -- encoding -----------------------------------------------------------------------------------


def detect_encoding(stream: BinaryIO) -> str:
    """"utf-8-sig", "utf-8" or "cp932" for a seekable binary stream, left where it was found."""
    start = stream.tell()
    try:
        return _detect(stream)
    finally:
        stream.seek(start)


def _detect(stream: BinaryIO) -> str:
    head = stream.read(8)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise CsvError("Excel のブック形式のファイルです。"
                       "「CSV（コンマ区切り）」または「CSV UTF-8」で保存し直してください。")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise CsvError(UNDETECTABLE_ENCODING)
    stream.seek(stream.tell() - len(head))
    decoder = codecs.getincrementaldecoder("utf-8")()
    seen_non_ascii, lines = False, 0
    while chunk := stream.read(_CHUNK):
        if b"\x00" in chunk:
            raise CsvError(UNDETECTABLE_ENCODING)
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            if seen_non_ascii or not chunk[:error.start].isascii():  # two encodings mixed
                line = lines + chunk.count(b"\n", 0, error.start) + 1
                raise CsvError(f"{line}行目付近に UTF-8 として読めない文字があります"
                               "（文字コードの混在）。ファイルを保存し直してください。",
                               row=line) from None
            if _looks_like_cp932(chunk):
                return "cp932"
            raise CsvError(UNDETECTABLE_ENCODING) from None
        seen_non_ascii = seen_non_ascii or not chunk.isascii()
        lines += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise CsvError(UNDETECTABLE_ENCODING) from None
    return "utf-8"


def _looks_like_cp932(chunk: bytes) -> bool:
    try:
        text = codecs.getincrementaldecoder("cp932")().decode(chunk)
    except UnicodeDecodeError:
        return False
    return _NOT_TEXT.search(text) is None


# -- header and rows ----------------------------------------------------------------------------


def _key(header: str) -> str:
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", header)).casefold()


def _match_header(cells: Sequence[str], row: int, columns: Columns,
                  required: Collection[str]) -> Header:
    by_alias = {_key(alias): name for name, aliases in columns.items() for alias in aliases}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        if not cell.strip():
            continue
        name = by_alias.get(_key(cell))
        if name is None:
            ignored.append(cell.strip())
        elif name in positions:
            first = cells[positions[name]].strip()
            raise CsvError(f"列「{first}」と「{cell.strip()}」は同じ項目です。"
                           "どちらか一方にしてください。", row=row)
        else:
            positions[name] = index
    if not positions:
        raise CsvError(f"{row}行目の見出しに使える列がありません。見出しの行があるか、"
                       "文字コードと区切り文字（カンマ）を確かめてください。", row=row)
    missing = [columns[name][0] for name in columns if name in required and name not in positions]
    if missing:
        listed = "".join(f"「{label}」" for label in missing)
        raise CsvError(f"必須の列{listed}がありません（{row}行目の見出しを確かめてください）。",
                       row=row)
    named = frozenset(index for index, cell in enumerate(cells) if cell.strip())
    return Header(row=row, positions=positions, ignored=tuple(ignored), named=named,
                  width=len(cells))


def _records(text: io.TextIOBase) -> Iterator[tuple[int, list[str]]]:
    row = 0  # the last record read; the reader's errors are in the next
    try:
        for row, cells in enumerate(csv.reader(text), 1):
            yield row, cells
    except csv.Error:
        raise CsvError(f"{row + 1}行目付近を CSV として読めません。"
                       "引用符「\"」の閉じ忘れがないか確かめてください。", row=row + 1) from None
    except UnicodeDecodeError:
        raise CsvError(f"{row + 1}行目付近に読めない文字があります（文字コードの混在）。"
                       "ファイルを保存し直してください。", row=row + 1) from None


def _first_header(records: Iterator[tuple[int, list[str]]], columns: Columns,
                  required: Collection[str]) -> Header:
    for row, cells in records:
        if any(cell.strip() for cell in cells):
            return _match_header(cells, row, columns, required)
    raise CsvError("ファイルが空です（見出しの行がありません）。")


@contextlib.contextmanager
def _decoded(stream: BinaryIO) -> Iterator[io.TextIOWrapper]:
    """The stream as text in its detected encoding; spooled to a temporary file first when it
    cannot seek (an upload being received), so memory stays small either way."""
    with contextlib.ExitStack() as stack:
        if not stream.seekable():
            spool = stack.enter_context(tempfile.TemporaryFile())
            shutil.copyfileobj(stream, spool, _CHUNK)
            spool.seek(0)
            stream = spool  # type: ignore[assignment]
        text = io.TextIOWrapper(stream, encoding=detect_encoding(stream), newline="")
        try:
            yield text
        finally:
            text.detach()  # the caller's stream stays open


def read_header(stream: BinaryIO, *, columns: Columns, required: Collection[str] = ()) -> Header:
    """Check the encoding and the header only (to show staff what will be read)."""
    with _decoded(stream) as text:
        return _first_header(_records(text), columns, required)


def read_rows(stream: BinaryIO, *, columns: Columns,
              required: Collection[str] = ()) -> Iterator[Row]:
    """Yield `(row number, {field: text})` for each non-empty data row of a binary stream."""
    with _decoded(stream) as text:
        records = _records(text)
        header = _first_header(records, columns, required)
        fields = tuple(header.positions.items())
        unnamed = [index for index in range(header.width) if index not in header.named]
        for row, cells in records:
            if not "".join(cells).strip():  # an empty row
                continue
            width = len(cells)
            if width == header.width and not unnamed:  # most rows: every cell under a name
                yield row, {name: cells[index].strip() for name, index in fields}
                continue
            values: dict[str, object] = {
                name: cells[index].strip() if index < width else "" for name, index in fields}
            extra = [cells[index].strip() for index in unnamed
                     if index < width and cells[index].strip()]
            extra += [cell.strip() for cell in cells[header.width:] if cell.strip()]
            if extra:
                values[EXTRA_CELLS] = extra
            yield row, values


class CsvFile:
    """A CSV file on disk, read afresh each time it is called: the re-iterable `rows` callable
    that use cases take (one pass to validate, one to write, nothing held in memory)."""

    def __init__(self, path: str | Path, *, columns: Columns,
                 required: Collection[str] = ()) -> None:
        self.path = Path(path)
        self.columns = columns
        self.required = required

    def __call__(self) -> Iterator[Row]:
        with self.path.open("rb") as stream:
            yield from read_rows(stream, columns=self.columns, required=self.required)

    def header(self) -> Header:
        with self.path.open("rb") as stream:
            return read_header(stream, columns=self.columns, required=self.required)


def _geta(error: UnicodeError) -> tuple[str, int]:
    return "〓", error.end  # type: ignore[attr-defined]


codecs.register_error("madoguchi-geta", _geta)


def safe_cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs: one that begins with = + - @, a tab or a
    carriage return (or their full-width forms, which Japanese input turns into the same) is
    prefixed with an apostrophe (OWASP "CSV injection"). Every file Madoguchi writes for a
    spreadsheet goes through this: `cp932_csv` here and the Excel writer."""
    return "'" + text if text and text[0] in _FORMULA_STARTS else text


def cp932_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """A CSV for Excel and town printers, streamed: CP932, every cell quoted, CRLF, formulas
    neutralised (`safe_cell`). A character CP932 cannot carry (𠮷) is written as 〓 (ゲタ), as
    town systems do. This is the one CSV writer of every export (`utf8_csv` is the same writer
    in UTF-8)."""
    return _csv(header, rows, encoding="cp932")


def utf8_csv(header: Sequence[str], rows: Iterable[Sequence[str]]) -> Iterator[bytes]:
    """The same writer in UTF-8 with a byte order mark (so Excel reads it as UTF-8), for files
    that must carry every name as it is written (the town's export: 𠮷 stays 𠮷)."""
    yield codecs.BOM_UTF8
    yield from _csv(header, rows, encoding="utf-8")


def _csv(header: Sequence[str], rows: Iterable[Sequence[str]], *,
         encoding: str) -> Iterator[bytes]:
    for cells in itertools.chain([header], rows):
        quoted = ",".join('"' + safe_cell(cell).replace('"', '""') + '"' for cell in cells)
        yield (quoted + "\r\n").encode(encoding, errors="madoguchi-geta")
