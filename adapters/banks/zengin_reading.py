"""Reading Zengin transfer files back, and the bank's results.

- `read_transfer_file`: the 総合振込 file record by record (CRLF after each record or none),
  checked as it goes: record order, lengths, digits, and the trailer against the data.
- `ZenginResultReader`: the bank's result for a batch, as
  * "zengin": the transfer file returned with a result code in the data record's last byte
    (position 120; see ADR 0019: banks differ, the code table is below),
  * "csv": `顧客コード2,結果,理由` (or `record,status,reason`; 顧客コード2 = the record's position,
    or our disbursement id),
  * "returned": the returned-transfer list (組戻し・振込不能一覧): `顧客コード2,理由`.
  A CSV's header is checked before any row is read: a file whose header does not name these
  columns (say `番号,理由`: which number?) is refused with the columns it must have.
"""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterator
from typing import BinaryIO

from attrs import frozen

from adapters.csv_io import CsvError, read_header, read_rows
from application.ports.payouts import TransferResult
from domain.errors import InvalidValue
from domain.values import Money

__all__ = [
    "RESULT_CODES",
    "DataRecord",
    "EndRecord",
    "HeaderRecord",
    "TrailerRecord",
    "TransferFileError",
    "ZenginResultReader",
    "read_transfer_file",
]

RECORD_LENGTH = 120

# 振込結果コード in position 120 of a returned data record (space: no result given).
RESULT_CODES = {
    "0": None,  # 振込済み
    "1": "該当口座なし",
    "2": "口座名義相違",
    "3": "口座解約済み",
    "4": "預金種目・口座番号相違",
    "5": "取引停止口座",
    "8": "その他の理由による振込不能",
    "9": "受取人の申出による返却",
}


class TransferFileError(InvalidValue):
    code = "transfer_file_invalid"


@frozen
class HeaderRecord:
    kind_code: str
    code_type: str
    originator_code: str
    originator_name: str
    transfer_date: str  # MMDD
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str


@frozen
class DataRecord:
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    clearing_house: str
    account_type: str
    account_number: str
    payee_name: str
    amount: int
    new_code: str
    customer_code1: str
    customer_code2: str
    transfer_kind: str
    edi: str
    result_code: str  # position 120: a space in a transfer file


@frozen
class TrailerRecord:
    count: int
    total: int


@frozen
class EndRecord:
    pass


Record = HeaderRecord | DataRecord | TrailerRecord | EndRecord


NOT_CP932 = ("全銀形式のファイルは、銀行から受け取ったままの CP932（Shift_JIS）で送って"
             "ください（UTF-8 などで保存し直したファイルは読めません）。何も取り込んでいません。")


def _cp932(raw: bytes) -> str:
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError:
        raise TransferFileError(NOT_CP932) from None


def _saved_as_utf8(data: bytes) -> bool:
    """Kana or kanji the bank wrote in CP932 and an editor saved again as UTF-8 (half-width
    kana in CP932 are single bytes no UTF-8 text has on their own)."""
    if data.startswith(codecs.BOM_UTF8):
        return True
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text(raw: bytes, start: int, end: int) -> str:
    """Positions as the layout counts them (1-based, inclusive); trailing spaces removed."""
    return _cp932(raw[start - 1:end]).rstrip(" ")


def _digits(raw: bytes, start: int, end: int, what: str, number: int) -> str:
    value = raw[start - 1:end].decode("ascii", errors="replace")
    if not value.isdigit():
        raise TransferFileError(f"{number}件目のレコード: {what}が数字ではありません。")
    return value


def _records(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(number, 120 bytes) per record. CR+LF after every record, or no line breaks at all."""
    first = stream.read(RECORD_LENGTH)
    if not first:
        raise TransferFileError("ファイルが空です。")
    if first.startswith(codecs.BOM_UTF8):  # saved as UTF-8: the byte positions have moved
        raise TransferFileError(NOT_CP932)
    after = stream.read(2)
    crlf = after == b"\r\n"
    buffer = b"" if crlf else after
    number, record = 1, first
    while True:
        if len(record) != RECORD_LENGTH:
            raise TransferFileError(f"{number}件目のレコードが120バイトではありません。")
        if b"\r" in record or b"\n" in record:
            raise TransferFileError(f"{number}件目のレコードに改行があります（改行は各レコードの"
                                    "後の CR+LF のみ、または改行なしです）。")
        yield number, record
        record = buffer + stream.read(RECORD_LENGTH - len(buffer))
        buffer = b""
        if not record:
            return
        number += 1
        if crlf and len(record) == RECORD_LENGTH and stream.read(2) != b"\r\n":
            raise TransferFileError(f"{number}件目のレコードの後に CR+LF がありません。")


def _header(raw: bytes, number: int) -> HeaderRecord:
    return HeaderRecord(
        kind_code=_text(raw, 2, 3), code_type=_text(raw, 4, 4),
        originator_code=_digits(raw, 5, 14, "依頼人コード", number),
        originator_name=_text(raw, 15, 54), transfer_date=_digits(raw, 55, 58, "取組日", number),
        bank_code=_digits(raw, 59, 62, "仕向銀行番号", number), bank_name=_text(raw, 63, 77),
        branch_code=_digits(raw, 78, 80, "仕向支店番号", number),
        branch_name=_text(raw, 81, 95), account_type=_text(raw, 96, 96),
        account_number=_digits(raw, 97, 103, "口座番号", number),
    )


def _data(raw: bytes, number: int) -> DataRecord:
    return DataRecord(
        bank_code=_digits(raw, 2, 5, "被仕向銀行番号", number), bank_name=_text(raw, 6, 20),
        branch_code=_digits(raw, 21, 23, "被仕向支店番号", number),
        branch_name=_text(raw, 24, 38), clearing_house=_text(raw, 39, 42),
        account_type=_text(raw, 43, 43),
        account_number=_digits(raw, 44, 50, "口座番号", number), payee_name=_text(raw, 51, 80),
        amount=int(_digits(raw, 81, 90, "振込金額", number)), new_code=_text(raw, 91, 91),
        customer_code1=_text(raw, 92, 101), customer_code2=_text(raw, 102, 111),
        transfer_kind=_text(raw, 112, 112), edi=_text(raw, 113, 113),
        result_code=_cp932(raw[119:120]),
    )


def read_transfer_file(stream: BinaryIO) -> Iterator[Record]:
    """Each record in order; raises `TransferFileError` (Japanese, with the record number) at
    the first thing that is not the layout. The trailer is checked against the data."""
    count = total = 0
    expected = "1"
    for number, raw in _records(stream):
        kind = raw[:1].decode("ascii", errors="replace")
        if kind == "2" and expected in ("2", "8"):
            record: Record = _data(raw, number)
            count += 1
            total += record.amount
            expected = "8"
        elif kind == expected == "1":
            record = _header(raw, number)
            expected = "2"
        elif kind == "8" and expected in ("2", "8"):
            record = TrailerRecord(count=int(_digits(raw, 2, 7, "合計件数", number)),
                                   total=int(_digits(raw, 8, 19, "合計金額", number)))
            if (record.count, record.total) != (count, total):
                raise TransferFileError(
                    f"トレーラの合計（{record.count}件 {record.total:,}円）がデータ"
                    f"（{count}件 {total:,}円）と一致しません。")
            expected = "9"
        elif kind == expected == "9":
            record = EndRecord()
            expected = "end"
        else:
            raise TransferFileError(f"{number}件目のレコードのデータ区分「{kind}」が"
                                    "この位置にはありえません。")
        yield record
    if expected != "end":
        raise TransferFileError("ファイルがエンドレコードで終わっていません。")


_SETTLED = {"settled", "ok", "完了", "振込済", "振込済み", "済", "0"}
_FAILED = {"failed", "ng", "不能", "振込不能", "返却", "組戻し", "1"}
_CSV_COLUMNS = {
    # the first name is the one messages use; no bare 番号 (which number? 口座番号, 世帯番号…)
    "record": ("顧客コード2", "record", "レコード", "レコード番号", "reference"),
    "status": ("結果", "status", "状態"),
    "reason": ("理由", "reason", "不能理由"),
}


class ZenginResultReader:
    """`TransferResultReader` for the three kinds the module docstring names."""

    def read(self, stream: BinaryIO, *, kind: str) -> Iterator[TransferResult]:
        if kind == "zengin":
            return self._zengin(stream)
        if kind in ("csv", "returned"):
            return self._csv(stream, returned=kind == "returned")
        raise InvalidValue("結果ファイルの種類は zengin、csv、returned のいずれかです。")

    def _zengin(self, stream: BinaryIO) -> Iterator[TransferResult]:
        data = stream.read()  # a result file is small (120 bytes a payee)
        if _saved_as_utf8(data):
            raise TransferFileError(NOT_CP932)
        return self._zengin_records(io.BytesIO(data))

    def _zengin_records(self, stream: BinaryIO) -> Iterator[TransferResult]:
        row = 0
        for record in read_transfer_file(stream):
            row += 1
            if not isinstance(record, DataRecord):
                continue
            code = record.result_code
            if code not in RESULT_CODES:
                raise TransferFileError(f"{row}件目のレコード: 振込結果コード「{code}」が"
                                        "読み取れません。")
            reason = RESULT_CODES[code]
            yield TransferResult(
                row=row, settled=reason is None, reason=reason or "",
                sequence=_int_or_none(record.customer_code2),
                batch_number=_int_or_none(record.customer_code1),
                amount=Money(record.amount))

    def _csv(self, stream: BinaryIO, *, returned: bool) -> Iterator[TransferResult]:
        required = ("record", "reason") if returned else ("record", "status")
        if not stream.seekable():  # read twice (the header first); a result list is small
            stream = io.BytesIO(stream.read())
        start = stream.tell()
        try:
            read_header(stream, columns=_CSV_COLUMNS, required=required)
        except CsvError as error:
            expected = "顧客コード2,理由" if returned else "顧客コード2,結果,理由"
            raise CsvError(f"{error.message} 振込結果のCSVは、見出しの行を「{expected}」"
                           "としてください（英語の見出し record, status, reason も使えます）。"
                           "何も取り込んでいません。", row=error.row) from None
        stream.seek(start)
        return self._csv_rows(stream, returned=returned, required=required)

    def _csv_rows(self, stream: BinaryIO, *, returned: bool,
                  required: tuple[str, ...]) -> Iterator[TransferResult]:
        for row, cells in read_rows(stream, columns=_CSV_COLUMNS, required=required):
            key = cells.get("record", "")
            if returned:
                settled = False
            else:
                status = cells.get("status", "").strip().lower()
                if status in _SETTLED:
                    settled = True
                elif status in _FAILED:
                    settled = False
                else:
                    raise InvalidValue(f"{row}行目: 結果「{status}」は 完了 か 不能 で指定して"
                                       "ください。")
            reason = cells.get("reason", "").strip()
            if not settled and not reason:
                reason = "振込不能（理由の記載なし）"
            sequence = _int_or_none(key)
            yield TransferResult(row=row, settled=settled, reason="" if settled else reason,
                                 sequence=sequence,
                                 reference=None if sequence is not None else key.strip())


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None
