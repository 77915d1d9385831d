"""The promises of the `TransferFileWriter` and `TransferResultReader` ports (the bank transfer
file a batch is paid with, and the bank's answer to it), checked together: what the writer
writes, the reader reads back from the bank's result.

Subclass `TransferFilesContract` and provide the fixture `harness`, returning a
`TransferFilesHarness`:

    class TestMyBankFiles(TransferFilesContract):
        @pytest.fixture
        def harness(self): ...

The promises: the file is a header, one data record per payee, a trailer and an end record,
streamed (a record is given before the next payee is read); `problems` names every payee the
file cannot carry by reference, and none of the payees it can; a payee the writer cannot carry
is refused with a `DomainError` that repeats neither the holder's name nor the account number;
the bank's result read back gives, for every data record, its position (顧客コード2), the
batch number (顧客コード1), the amount and whether it was paid, a failure always with a reason;
the CSV results (`record,status,reason` with status settled or failed, and the returned list
`record,reason`) name a record by position or by our reference, and a returned transfer is
never paid; an unknown kind of result and a damaged file are refused with a `DomainError`
that repeats no payee's name.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Collection, Iterator

import pytest
from attrs import frozen

from application.ports.payouts import (
    Originator,
    TransferFileWriter,
    TransferLine,
    TransferResult,
    TransferResultReader,
)
from domain.errors import DomainError
from madoguchi_contracts.support import text_of

__all__ = ["TransferFilesContract", "TransferFilesHarness"]

TRANSFER_DATE = dt.date(2027, 1, 4)
BATCH = 7


@frozen
class TransferFilesHarness:
    writer: TransferFileWriter
    reader: TransferResultReader
    originator: Originator
    lines: tuple[TransferLine, ...]  # three or more payees the writer can carry
    unknown_bank: TransferLine  # a payee at a bank the writer's bank master does not know
    # the bank's result for a file: the data records at these positions (1-based) failed;
    # gives the result file and its kind for `TransferResultReader.read`
    bank_result: Callable[[bytes, Collection[int]], tuple[bytes, str]]
    line_ending: str = "crlf"


def _file(harness: TransferFilesHarness, lines: Collection[TransferLine] | None = None
          ) -> list[bytes]:
    return list(harness.writer.records(
        originator=harness.originator, transfer_date=TRANSFER_DATE, batch_number=BATCH,
        lines=harness.lines if lines is None else lines, line_ending=harness.line_ending))


def _read(harness: TransferFilesHarness, data: bytes, kind: str) -> list[TransferResult]:
    return list(harness.reader.read(io.BytesIO(data), kind=kind))


def _private(line: TransferLine) -> tuple[str, ...]:
    return line.account.holder.text, line.account.number


class TransferFilesContract:
    """Provide `harness` (a `TransferFilesHarness`)."""

    pytestmark = [pytest.mark.contract]

    # -- the writer --------------------------------------------------------------------------

    def test_the_file_is_a_header_a_record_per_payee_a_trailer_and_an_end(
            self, harness: TransferFilesHarness) -> None:
        records = _file(harness)

        assert len(records) == len(harness.lines) + 3
        assert len(set(map(len, records))) == 1  # fixed-length records

    def test_the_file_is_streamed_a_record_before_the_next_payee_is_read(
            self, harness: TransferFilesHarness) -> None:
        taken: list[str] = []

        def payees() -> Iterator[TransferLine]:
            for line in harness.lines:
                taken.append(line.reference)
                yield line

        records = harness.writer.records(originator=harness.originator,
                                         transfer_date=TRANSFER_DATE, batch_number=BATCH,
                                         lines=payees(), line_ending=harness.line_ending)
        next(records), next(records)  # the header and the first payee's record

        assert taken == [harness.lines[0].reference]

    def test_problems_name_the_payees_the_file_cannot_carry_and_only_them(
            self, harness: TransferFilesHarness) -> None:
        assert list(harness.writer.problems(originator=harness.originator,
                                            lines=harness.lines)) == []

        problems = list(harness.writer.problems(
            originator=harness.originator, lines=[*harness.lines, harness.unknown_bank]))

        assert problems and {p.reference for p in problems} == {harness.unknown_bank.reference}
        assert all(p.reason for p in problems)

    def test_a_payee_the_file_cannot_carry_is_refused_without_their_details(
            self, harness: TransferFilesHarness) -> None:
        with pytest.raises(DomainError) as refused:
            _file(harness, [harness.unknown_bank])

        shown = text_of(refused.value)
        assert not any(private in shown for private in _private(harness.unknown_bank))

    # -- the round trip ----------------------------------------------------------------------

    def test_the_banks_result_reads_back_every_record_written(
            self, harness: TransferFilesHarness) -> None:
        written = b"".join(_file(harness))
        result, kind = harness.bank_result(written, {2})

        results = _read(harness, result, kind)

        assert [r.sequence for r in results] == list(range(1, len(harness.lines) + 1))
        assert {r.batch_number for r in results} == {BATCH}
        assert [r.amount for r in results] == [line.amount for line in harness.lines]
        assert [r.settled for r in results] == [n != 2 for n in range(1, len(harness.lines) + 1)]
        assert results[1].reason and not results[0].reason

    def test_a_damaged_result_file_is_refused_without_a_payees_name(
            self, harness: TransferFilesHarness) -> None:
        result, kind = harness.bank_result(b"".join(_file(harness)), set())
        damaged = result[: len(result) // 2 + 5]

        with pytest.raises(DomainError) as refused:
            _read(harness, damaged, kind)

        shown = text_of(refused.value)
        assert not any(line.account.holder.text in shown for line in harness.lines)

    def test_an_unknown_kind_of_result_is_refused(self, harness: TransferFilesHarness) -> None:
        with pytest.raises(DomainError):
            _read(harness, b"record,status,reason\r\n1,settled,\r\n", "fax")

    # -- the CSV results ---------------------------------------------------------------------

    def test_a_csv_result_names_a_record_by_position_or_by_reference(
            self, harness: TransferFilesHarness) -> None:
        csv = "record,status,reason\r\n1,settled,\r\n2,failed,該当口座なし\r\nd-3,failed,\r\n"

        results = _read(harness, csv.encode(), "csv")

        assert [(r.sequence, r.reference, r.settled) for r in results] == [
            (1, None, True), (2, None, False), (None, "d-3", False)]
        assert results[1].reason == "該当口座なし"
        assert results[2].reason  # a failure always says why, if only that it was not said

    def test_a_returned_transfer_is_never_paid(self, harness: TransferFilesHarness) -> None:
        results = _read(harness, "record,reason\r\n2,受取人の申出による返却\r\n".encode(),
                        "returned")

        assert [(r.sequence, r.settled, r.reason) for r in results] == [
            (2, False, "受取人の申出による返却")]
