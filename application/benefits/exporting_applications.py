"""Staff (or an integrator) export a program's applications and decisions for 決裁 and the
finance section (会計課): one row per household that applied, with the columns a town's finance
section expects. Personal data: each export is audited once, before its first row is read.

The account number is shown in full only to a role that may approve payment batches (who
approve what is paid to which account: 決裁者 and 管理者); anyone else gets it masked
(＊＊＊＊567), so a list handed round for 決裁 does not carry every resident's account.
The rows stream from the database in chunks, so an export of 300,000 rows takes no more memory
than one of 30."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.bank_master import BankMaster
from application.ports.clock import Clock
from application.ports.queries import ExportLine
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.benefits import CHANNEL_LABELS, ApplicationStatus
from domain.errors import InvalidValue, NotFound
from domain.values import JST

__all__ = ["EXPORT_COLUMNS", "EXPORT_FORMATS", "SEES_ACCOUNT_NUMBERS", "ApplicationExport",
           "ExportApplications", "ExportRow", "export_applications"]

EXPORT_COLUMNS = ("世帯番号", "氏名", "カナ", "住所", "申請日", "申請方法", "決定", "決定日",
                  "金額", "支払方法", "金融機関", "支店", "口座種別", "口座番号")
EXPORT_FORMATS = ("csv", "xlsx")
SEES_ACCOUNT_NUMBERS = Permission.APPROVE_BATCHES  # who sees 口座番号 unmasked
# Households that applied: not the ones only told (通知済み) or that declined (辞退).
_EXPORTED = tuple(s for s in ApplicationStatus
                  if s not in {ApplicationStatus.NOTIFIED, ApplicationStatus.DECLINED})
_CHUNK = 1000

Cell = str | int | dt.date | None


@frozen
class ExportApplications:
    program_id: str
    format: str  # "csv" or "xlsx": recorded in the audit log
    actor: Actor


@frozen
class ExportRow:
    household_number: str
    name: str
    kana: str
    address: str
    applied_on: dt.date | None  # Japan days
    channel: str  # 申請方法, in Japanese
    decision: str  # the status, in Japanese
    decided_on: dt.date | None
    amount_yen: int | None
    payout_method: str
    bank: str
    branch: str
    account_type: str
    account_number: str  # masked unless the actor may see it

    def values(self) -> tuple[Cell, ...]:
        """Typed, for a spreadsheet: dates as dates, the amount as a number."""
        return (self.household_number, self.name, self.kana, self.address, self.applied_on,
                self.channel, self.decision, self.decided_on, self.amount_yen,
                self.payout_method, self.bank, self.branch, self.account_type,
                self.account_number)

    def cells(self) -> tuple[str, ...]:
        """As text, for a CSV: dates as 2026/12/05, the amount in plain digits."""
        return tuple(_text(value) for value in self.values())


@frozen
class ApplicationExport:
    program_name: str
    masked: bool
    rows: Iterator[ExportRow]  # read as it is consumed; close it to stop early


def export_applications(command: ExportApplications, *, uow_factory: Callable[[], UnitOfWork],
                        clock: Clock, banks: BankMaster) -> ApplicationExport:
    """Check the actor and the program and record the export (committed before this returns);
    the rows are read afterwards, as the caller writes them."""
    actor = command.actor
    actor.ensure(Permission.HANDLE_APPLICATIONS, "申請の一覧を出力")
    if command.format not in EXPORT_FORMATS:
        raise InvalidValue("出力の形式は CSV か Excel です。")
    masked = not actor.may(SEES_ACCOUNT_NUMBERS)
    with uow_factory() as uow:
        program = uow.programs.get(command.program_id)
        if program is None:
            raise NotFound("給付金が見つかりません。")
        record(uow, actor, "application.export", "program", program.id, at=clock.now(),
               format=command.format, masked=masked)
        uow.commit()
    return ApplicationExport(program.name, masked,
                             _rows(program.id, masked, uow_factory=uow_factory, banks=banks))


def _rows(program_id: str, masked: bool, *, uow_factory: Callable[[], UnitOfWork],
          banks: BankMaster) -> Iterator[ExportRow]:
    names = _Names(banks)
    with uow_factory() as uow:
        for line in uow.queries.exports.application_lines(program_id, _EXPORTED, chunk=_CHUNK):
            yield _row(line, masked, names)


def _row(line: ExportLine, masked: bool, names: _Names) -> ExportRow:
    account = line.account
    return ExportRow(
        household_number=line.household_number, name=line.name, kana=line.kana,
        address=line.address, applied_on=_day(line.confirmed_at),
        channel=CHANNEL_LABELS.get(line.channel, line.channel), decision=line.status.label,
        decided_on=_day(line.decided_at), amount_yen=line.amount_yen,
        payout_method=line.payout_method.label if line.payout_method else "",
        bank=names.bank(account.bank_code) if account else "",
        branch=names.branch(account.bank_code, account.branch_code) if account else "",
        account_type=account.account_type.label if account else "",
        account_number=(account.masked() if masked else account.number) if account else "")


class _Names:
    """Bank and branch names from the master, looked up once per code in an export."""

    def __init__(self, banks: BankMaster) -> None:
        self._banks = banks
        self.bank = functools.lru_cache(maxsize=4096)(self._bank)
        self.branch = functools.lru_cache(maxsize=65536)(self._branch)

    def _bank(self, code: str) -> str:
        found = self._banks.bank(code)
        return found.full_name if found else f"金融機関コード{code}"

    def _branch(self, bank_code: str, code: str) -> str:
        found = self._banks.branch(bank_code, code)
        return found.full_name if found else f"支店コード{code}"


def _day(moment: dt.datetime | None) -> dt.date | None:
    return moment.astimezone(JST).date() if moment is not None else None


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%Y/%m/%d")
    return str(value)
