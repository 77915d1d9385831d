"""Payouts: bank transfer files (Zengin) and providers that pay out directly (ATM cash codes)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator
from typing import BinaryIO, Protocol

from attrs import frozen

from domain.values import AccountType, BankAccount, Money

__all__ = [
    "BankCalendar",
    "ExportProblem",
    "Originator",
    "PayoutIssued",
    "PayoutProvider",
    "PayoutStatus",
    "TransferFileWriter",
    "TransferLine",
    "TransferResult",
    "TransferResultReader",
]


@frozen
class TransferLine:
    """One payee in a transfer file."""

    reference: str  # our disbursement id
    account: BankAccount
    amount: Money


@frozen
class Originator:
    """依頼人: the town's own account the transfers are paid from (from configuration)."""

    code: str  # 依頼人コード, 10 digits, given by the town's bank
    name: str  # 依頼人名, kana (converted to the file's half-width form by the writer)
    bank_code: str  # 仕向銀行番号, 4 digits
    branch_code: str  # 仕向支店番号, 3 digits
    account_type: AccountType  # 預金種目 (普通 1, 当座 2, その他 9)
    account_number: str  # 7 digits

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "bank_code": self.bank_code,
                "branch_code": self.branch_code, "account_type": self.account_type.value,
                "account_number": self.account_number}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> Originator:
        return cls(code=data["code"], name=data["name"], bank_code=data["bank_code"],
                   branch_code=data["branch_code"],
                   account_type=AccountType(data["account_type"]),
                   account_number=data["account_number"])


@frozen
class ExportProblem:
    """Why a payee cannot go into the file (found before anything is written)."""

    reference: str  # the disbursement id, or "依頼人" for the town's own data
    payee: str  # the name as the file would carry it (shown to staff, never logged)
    reason: str


class TransferFileWriter(Protocol):
    def problems(self, *, originator: Originator,
                 lines: Iterable[TransferLine]) -> Iterator[ExportProblem]:
        """Everything that would make the file wrong, streamed; nothing is written."""
        ...

    def records(self, *, originator: Originator, transfer_date: dt.date, batch_number: int,
                lines: Iterable[TransferLine], line_ending: str) -> Iterator[bytes]:
        """The file, one record (with its line ending) at a time: header, data, trailer, end.
        Data records carry `batch_number` and their 1-based position as 顧客コード1 and 2."""
        ...


@frozen
class TransferResult:
    """The bank's word on one record: by position in the batch (顧客コード2) or by our
    reference (a CSV may give either)."""

    row: int  # where it was in the result file (for the report)
    settled: bool
    reason: str = ""
    sequence: int | None = None
    reference: str | None = None
    batch_number: int | None = None  # 顧客コード1 when the file carries it
    amount: Money | None = None


class TransferResultReader(Protocol):
    def read(self, stream: BinaryIO, *, kind: str) -> Iterator[TransferResult]:
        """`kind`: "zengin" (the bank's per-record result file), "csv" (record, status, reason)
        or "returned" (the returned-transfer list: record, reason)."""
        ...


class BankCalendar(Protocol):
    def is_business_day(self, day: dt.date) -> bool:
        """Banks are open: not a weekend, a public holiday or 12/31–1/3."""
        ...

    def next_business_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a business day, else the next one."""
        ...


class PayoutStatus(enum.Enum):
    ISSUED = "issued"
    PICKED_UP = "picked_up"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


@frozen
class PayoutIssued:
    reference: str
    pickup_code: str
    expires_at: dt.datetime
    provider_reference: str = ""  # the provider's own id for the payout, where it has one


class PayoutProvider(Protocol):
    name: str  # how settings pick it
    label: str  # how staff read it (a batch's trail)

    def issue(self, *, reference: str, amount: Money) -> PayoutIssued:
        """A pickup code for `amount`. Issuing again under the same reference while a code
        is live returns that code (the reference is the idempotency key)."""
        ...

    def status(self, reference: str) -> PayoutStatus: ...

    def cancel(self, reference: str) -> None: ...
