"""Any batch round-trips: written as a transfer file and read back, the same payees and amounts
in the same order, with the trailer's totals; whatever the line endings."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.banks.zengin_reading import DataRecord, TrailerRecord, read_transfer_file
from adapters.banks.zengin_text import fit
from adapters.banks.zengin_transfer import ZenginTransferWriter
from application.ports.payouts import TransferLine
from domain.values import AccountType, BankAccount, Money, ZenginKana
from tests.support.zengin import BRANCHES, ORIGINATOR, master

pytestmark = pytest.mark.unit

_WRITER = ZenginTransferWriter(master())
_KANA = ("アイウエオカキクケコサシスセソタチツテトナニヌネノ"
         "ハヒフヘホマミムメモヤユヨラリルレロワヲン")
_VOICED = "ガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポヴ"
_SMALL = "ァィゥェォャュョッ"
names = st.text(alphabet=_KANA + _VOICED + _SMALL + "ABCXYZ0123456789()./- 　",
                min_size=1, max_size=40).filter(lambda s: s.strip(" 　"))
accounts = st.builds(
    lambda branch, kind, number, name: BankAccount(
        bank_code=branch.bank_code, branch_code=branch.code, account_type=kind,
        number=f"{number:07d}", holder=ZenginKana.from_text(name)),
    st.sampled_from(BRANCHES), st.sampled_from(list(AccountType)),
    st.integers(0, 9_999_999), names)
lines = st.lists(st.builds(lambda account, amount: (account, amount), accounts,
                           st.integers(1, 9_999_999_999)), max_size=30)


@settings(max_examples=150, deadline=None)
@given(batch=lines, ending=st.sampled_from(["crlf", "none"]), number=st.integers(1, 10**9),
       day=st.dates(dt.date(2026, 1, 1), dt.date(2040, 12, 31)))
def test_any_batch_round_trips_through_the_writer_and_the_reader(
        batch: list[tuple[BankAccount, int]], ending: str, number: int, day: dt.date) -> None:
    written = [TransferLine(reference=f"d{i}", account=account, amount=Money(amount))
               for i, (account, amount) in enumerate(batch)]
    data = b"".join(_WRITER.records(originator=ORIGINATOR, transfer_date=day,
                                    batch_number=number, lines=written, line_ending=ending))

    records = list(read_transfer_file(io.BytesIO(data)))
    read = [r for r in records if isinstance(r, DataRecord)]

    assert len(data) == (len(batch) + 3) * (122 if ending == "crlf" else 120)
    assert [(r.bank_code, r.branch_code, r.account_type, r.account_number, r.amount)
            for r in read] == [
        (a.bank_code, a.branch_code, a.account_type.value, a.number, amount)
        for a, amount in batch]
    assert [r.payee_name for r in read] == [
        fit(a.holder.text, 30).decode("cp932").rstrip(" ") for a, _ in batch]
    assert [int(r.customer_code2) for r in read] == list(range(1, len(batch) + 1))
    assert {int(r.customer_code1) for r in read} <= {number}
    assert records[-2] == TrailerRecord(count=len(batch), total=sum(a for _, a in batch))
