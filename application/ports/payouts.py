"""Payouts: bank transfer files (Zengin) and providers that pay out directly (ATM cash codes)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import BinaryIO, Protocol

from attrs import frozen

from domain.values import BankAccount, Money

__all__ = [
    "PayoutIssued",
    "PayoutProvider",
    "PayoutStatus",
    "TransferFileExporter",
    "TransferLine",
]


@frozen
class TransferLine:
    """One payee in a transfer file."""

    reference: str  # our disbursement id
    account: BankAccount
    amount: Money


class TransferFileExporter(Protocol):
    def write(self, out: BinaryIO, *, transfer_date: dt.date,
              lines: Iterable[TransferLine]) -> tuple[int, Money]:
        """Stream the file to `out`; returns the record count and total written."""
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


class PayoutProvider(Protocol):
    name: str

    def issue(self, *, reference: str, amount: Money) -> PayoutIssued: ...
    def status(self, reference: str) -> PayoutStatus: ...
