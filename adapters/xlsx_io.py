"""Excel workbooks (.xlsx) for staff to take away, written with openpyxl in write-only mode: rows
go to a temporary file as they come, so memory stays flat however many there are; the finished
file is then sent in chunks. Text cells are neutralised as in every CSV (`safe_cell`) and stored
as text, never as formulas."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from adapters.csv_io import safe_cell

__all__ = ["XLSX_TYPE", "xlsx_workbook"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK = 1 << 16
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what the XML of a sheet cannot hold

Cell = str | int | dt.date | None


def xlsx_workbook(header: Sequence[str], rows: Iterable[Sequence[Cell]], *,
                  sheet: str) -> Iterator[bytes]:
    """The workbook's bytes, in chunks: a bold header row, then one row per item; dates as
    Excel dates (yyyy/mm/dd), numbers as numbers, text as text."""
    book = Workbook(write_only=True)
    page = book.create_sheet(title=sheet[:31])
    bold = Font(bold=True)
    page.append([_header_cell(page, name, bold) for name in header])
    for values in rows:
        page.append([_cell(page, value) for value in values])
    with tempfile.TemporaryFile() as spool:
        book.save(spool)
        spool.seek(0)
        while chunk := spool.read(_CHUNK):
            yield chunk


def _header_cell(page, name: str, bold: Font) -> WriteOnlyCell:  # type: ignore[no-untyped-def]
    cell = WriteOnlyCell(page, value=safe_cell(name))
    cell.font = bold
    return cell


def _cell(page, value: Cell) -> object:  # type: ignore[no-untyped-def]
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(page, value=value)
        cell.number_format = "yyyy/mm/dd"
        return cell
    if isinstance(value, str):  # text: after safe_cell it cannot begin with "=", openpyxl's
        return _CONTROL.sub("", safe_cell(value))  # only sign of a formula
    return value
