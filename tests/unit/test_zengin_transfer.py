"""The Zengin comprehensive transfer file, byte by byte against the layout (REFERENCE.md)."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from adapters.banks.zengin_reading import (
    DataRecord,
    EndRecord,
    HeaderRecord,
    TrailerRecord,
    TransferFileError,
    read_transfer_file,
)
from adapters.banks.zengin_text import fit, to_file_text
from adapters.banks.zengin_transfer import ZenginTransferWriter
from application.ports.payouts import TransferLine
from domain.errors import InvalidValue
from domain.values import BankAccount, Money, ZenginKana
from tests.support.zengin import ORIGINATOR, line, master

pytestmark = pytest.mark.unit

DATE = dt.date(2026, 12, 1)


def _file(lines: list[TransferLine], *, ending: str = "crlf", number: int = 3) -> bytes:
    writer = ZenginTransferWriter(master())
    return b"".join(writer.records(originator=ORIGINATOR, transfer_date=DATE,
                                   batch_number=number, lines=lines, line_ending=ending))


def _records(data: bytes, size: int = 122) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def field(record: bytes, start: int, end: int) -> bytes:
    """Positions as the layout table gives them: 1-based, inclusive."""
    return record[start - 1:end]


def test_the_header_record_is_laid_out_byte_for_byte() -> None:
    header = _records(_file([line()]))[0]

    assert header[120:] == b"\r\n"
    header = header[:120]
    assert len(header) == 120
    assert field(header, 1, 1) == b"1"
    assert field(header, 2, 3) == b"21"
    assert field(header, 4, 4) == b"0"
    assert field(header, 5, 14) == b"1234567890"
    assert field(header, 15, 54) == "ﾐﾎﾝﾁﾖｳ".encode("cp932") + b" " * 34
    assert field(header, 55, 58) == b"1201"
    assert field(header, 59, 62) == b"0001"
    assert field(header, 63, 77) == "ﾐｽﾞﾎ".encode("cp932") + b" " * 11
    assert field(header, 78, 80) == b"001"
    assert field(header, 81, 95) == "ﾄｳｷﾖｳ".encode("cp932") + b" " * 10
    assert field(header, 96, 96) == b"1"
    assert field(header, 97, 103) == b"0001234"
    assert field(header, 104, 120) == b" " * 17


def test_a_data_record_is_laid_out_byte_for_byte() -> None:
    data = _records(_file([line(holder="キョウ ガッコウ", amount=1_234_567, kind="4")]))[1]

    assert data[120:] == b"\r\n"
    data = data[:120]
    assert field(data, 1, 1) == b"2"
    assert field(data, 2, 5) == b"0009"
    assert field(data, 6, 20) == "ﾐﾂｲｽﾐﾄﾓ".encode("cp932") + b" " * 8
    assert field(data, 21, 23) == b"001"
    assert field(data, 24, 38) == "ｼﾞﾝﾎﾞｳﾁﾖｳ".encode("cp932") + b" " * 6
    assert field(data, 39, 42) == b"0000"
    assert field(data, 43, 43) == b"4"
    assert field(data, 44, 50) == b"7654321"
    # small kana written large, voiced marks as their own byte
    assert field(data, 51, 80) == "ｷﾖｳ ｶﾞﾂｺｳ".encode("cp932") + b" " * 21
    assert field(data, 81, 90) == b"0001234567"
    assert field(data, 91, 91) == b"0"
    assert field(data, 92, 101) == b"0000000003"  # 顧客コード1: the batch number
    assert field(data, 102, 111) == b"0000000001"  # 顧客コード2: the position in the batch
    assert field(data, 112, 112) == b"7"
    assert field(data, 113, 113) == b" "
    assert field(data, 114, 120) == b" " * 7


def test_the_trailer_carries_the_count_and_total_and_the_end_record_closes() -> None:
    records = _records(_file([line("d1", amount=70_000), line("d2", amount=5),
                              line("d3", amount=9_999_999_999)]))

    trailer, end = records[4][:120], records[5]
    assert field(trailer, 1, 1) == b"8"
    assert field(trailer, 2, 7) == b"000003"
    assert field(trailer, 8, 19) == b"010000070004"
    assert field(trailer, 20, 120) == b" " * 101
    assert end == b"9" + b" " * 119 + b"\r\n"
    assert len(records) == 6


def test_without_line_breaks_the_file_is_records_of_120_bytes_back_to_back() -> None:
    data = _file([line("d1"), line("d2")], ending="none")

    assert len(data) == 5 * 120
    assert b"\r" not in data and b"\n" not in data
    assert [r[:1] for r in _records(data, 120)] == [b"1", b"2", b"2", b"8", b"9"]


def test_every_byte_is_single_byte_cp932() -> None:
    data = _file([line(holder="ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ ｳﾞｧ")])
    text = data.decode("cp932")
    assert len(text) == len(data)


@pytest.mark.parametrize(("typed", "file_text"), [
    ("キョウ", "ｷﾖｳ"),
    ("きゃっしゅ", "ｷﾔﾂｼﾕ"),
    ("ヴァイオリン", "ｳﾞｱｲｵﾘﾝ"),
    ("パピプペポ", "ﾊﾟﾋﾟﾌﾟﾍﾟﾎﾟ"),
    ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),
    ("ｶ)ﾐﾎﾝ", "ｶ)ﾐﾎﾝ"),
    ("ａｂｃ１２３", "ABC123"),
])
def test_names_are_converted_to_half_width_with_small_kana_enlarged(typed: str,
                                                                    file_text: str) -> None:
    assert to_file_text(typed) == file_text


@pytest.mark.parametrize("typed", ["サトー", "ヤマダ・タロウ", "A&B", "山田", "A*B", "X@Y"])
def test_the_long_vowel_mark_and_forbidden_characters_are_refused(typed: str) -> None:
    with pytest.raises(InvalidValue):
        to_file_text(typed)


def test_a_voiced_mark_that_would_be_cut_off_takes_its_kana_with_it() -> None:
    # 29 ｱ then ｶﾞ: 31 bytes; the 31st is the mark, so ｶ goes too and a space pads the field
    assert fit("ｱ" * 29 + "ｶﾞ", 30) == "ｱ".encode("cp932") * 29 + b" "
    # the pair fits whole when it ends exactly at the boundary
    assert fit("ｱ" * 28 + "ｶﾞ", 30) == ("ｱ" * 28 + "ｶﾞ").encode("cp932")
    # a plain cut keeps whole characters
    assert fit("ｱ" * 31, 30) == "ｱ".encode("cp932") * 30


def test_a_long_payee_name_is_cut_at_30_bytes_without_splitting_a_voiced_pair() -> None:
    holder = "ア" * 29 + "ガ"
    data = _records(_file([line(holder=holder)]))[1]
    assert field(data, 51, 80) == "ｱ".encode("cp932") * 29 + b" "
    assert field(data, 81, 90) == b"0000070000"  # nothing shifted


def test_a_long_branch_name_from_the_master_is_cut_the_same_way() -> None:
    data = _records(_file([line(bank="0001", branch="777")]))[1]
    assert field(data, 24, 38) == "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾ".encode("cp932") + b" "


def test_problems_name_the_payee_and_the_reason_before_anything_is_written() -> None:
    writer = ZenginTransferWriter(master())
    bad_name = TransferLine(
        reference="d2", amount=Money(100),
        account=BankAccount(bank_code="0009", branch_code="001",
                            account_type=BankAccount.of(bank_code="0009", branch_code="001",
                                                        account_type="1", number="1",
                                                        holder="ｱ").account_type,
                            number="0000001", holder=_legacy_kana("ｻﾄｰ")))
    problems = list(writer.problems(originator=ORIGINATOR, lines=[
        line("d1"), bad_name, line("d3", bank="0123"), line("d4", branch="999"),
        line("d5", amount=10_000_000_000)]))

    assert [(p.reference, p.payee) for p in problems] == [
        ("d2", "ｻﾄｰ"), ("d3", "ﾔﾏﾀﾞ ﾀﾛｳ"), ("d4", "ﾔﾏﾀﾞ ﾀﾛｳ"), ("d5", "ﾔﾏﾀﾞ ﾀﾛｳ")]
    assert "「ｰ」" in problems[0].reason
    assert "0123" in problems[1].reason
    assert "999" in problems[2].reason
    assert "10桁" in problems[3].reason


def _legacy_kana(text: str) -> ZenginKana:
    """A name stored before the rules were enforced (bypasses the value's own check)."""
    kana = object.__new__(ZenginKana)
    object.__setattr__(kana, "text", text)
    return kana


def test_an_originator_the_bank_master_does_not_know_is_a_problem() -> None:
    from attrs import evolve

    writer = ZenginTransferWriter(master())
    problems = list(writer.problems(originator=evolve(ORIGINATOR, branch_code="555"),
                                    lines=[line()]))
    assert [p.reference for p in problems] == ["依頼人"]


def test_the_line_ending_must_be_crlf_or_none() -> None:
    with pytest.raises(InvalidValue):
        _file([line()], ending="lf")


def test_the_file_reads_back_as_it_was_written() -> None:
    data = _file([line("d1", holder="キョウ ガッコウ", amount=10), line("d2", amount=20)])

    records = list(read_transfer_file(io.BytesIO(data)))

    assert isinstance(records[0], HeaderRecord)
    assert records[0].originator_code == "1234567890"
    assert records[0].transfer_date == "1201"
    assert [(r.payee_name, r.amount, r.customer_code2) for r in records
            if isinstance(r, DataRecord)] == [("ｷﾖｳ ｶﾞﾂｺｳ", 10, "0000000001"),
                                              ("ﾔﾏﾀﾞ ﾀﾛｳ", 20, "0000000002")]
    assert records[-2] == TrailerRecord(count=2, total=30)
    assert isinstance(records[-1], EndRecord)


@pytest.mark.parametrize(("mangle", "message"), [
    (lambda d: d.replace(b"\r\n", b"\n"), "改行"),
    (lambda d: d[:-122], "エンドレコード"),
    (lambda d: d.replace(b"8000002", b"8000003"), "トレーラ"),
    (lambda d: d[122:], "データ区分"),
    (lambda d: d[:-5], "120バイト"),
])
def test_a_damaged_file_is_refused_with_a_reason(mangle, message: str) -> None:  # type: ignore[no-untyped-def]
    data = mangle(_file([line("d1"), line("d2")]))
    with pytest.raises(TransferFileError) as error:
        list(read_transfer_file(io.BytesIO(data)))
    assert message in error.value.message


def test_a_record_whose_bytes_are_not_cp932_is_refused_with_a_reason() -> None:
    data = _file([line("d1")])
    undecodable = data[:122 + 50] + b"\x85\x40" + data[122 + 52:]  # inside the payee name

    with pytest.raises(TransferFileError) as error:
        list(read_transfer_file(io.BytesIO(undecodable)))
    assert "CP932（Shift_JIS）" in error.value.message
