"""The transfer-file contract (madoguchi_contracts.transfers) on the Zengin writer and result
reader, over a small bank master, with CR+LF after each record and with none."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest

from adapters.banks.zengin_reading import RECORD_LENGTH, ZenginResultReader
from adapters.banks.zengin_transfer import LINE_ENDINGS, ZenginTransferWriter
from madoguchi_contracts.transfers import TransferFilesContract, TransferFilesHarness
from tests.support import zengin

pytestmark = pytest.mark.integration


def _bank_result(line_ending: str) -> Callable[[bytes, Collection[int]], tuple[bytes, str]]:
    """What the bank sends back: the file, each data record's result code in position 120
    (0 paid, 1 該当口座なし)."""
    width = RECORD_LENGTH + len(LINE_ENDINGS[line_ending])

    def result(written: bytes, failed: Collection[int]) -> tuple[bytes, str]:
        records = [bytearray(written[i:i + width]) for i in range(0, len(written), width)]
        sequence = 0
        for record in records:
            if record[:1] == b"2":
                sequence += 1
                record[RECORD_LENGTH - 1:RECORD_LENGTH] = b"1" if sequence in failed else b"0"
        return b"".join(records), "zengin"

    return result


@pytest.mark.parametrize("line_ending", ["crlf", "none"])
class TestZenginFiles(TransferFilesContract):
    @pytest.fixture
    def harness(self, line_ending: str) -> TransferFilesHarness:
        return TransferFilesHarness(
            writer=ZenginTransferWriter(zengin.master()), reader=ZenginResultReader(),
            originator=zengin.ORIGINATOR,
            lines=(zengin.line("d-1"), zengin.line("d-2", holder="スズキ ハナコ", amount=1,
                                                      bank="0001", branch="777",
                                                      number="1111111"),
                   zengin.line("d-3", holder="タナカ イチロウ", amount=9_999_999,
                               bank="9900", branch="019", number="2222222")),
            unknown_bank=zengin.line("d-9", holder="サトウ ジロウ", bank="0123",
                                     number="3333333"),
            bank_result=_bank_result(line_ending), line_ending=line_ending)
