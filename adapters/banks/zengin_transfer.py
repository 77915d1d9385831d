"""The Zengin comprehensive transfer file (全銀協 総合振込, 種別コード 21): 120-byte records in
CP932, header (1), data (2), trailer (8), end (9), with CRLF after each record or none.

Streamed: `records` yields one record at a time, so memory does not grow with the batch.
Bank and branch names come from the bank master, converted once per code.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator

from adapters.banks.zengin_text import ensure_digits, fit, forbidden_in, to_file_text
from application.ports.bank_master import BankMaster
from application.ports.payouts import ExportProblem, Originator, TransferLine
from domain.errors import InvalidValue
from domain.values import AccountType

__all__ = ["LINE_ENDINGS", "RECORD_LENGTH", "ZenginTransferWriter"]

RECORD_LENGTH = 120
LINE_ENDINGS = {"crlf": b"\r\n", "none": b""}
MAX_AMOUNT = 9_999_999_999  # 振込金額 N10
_HEADER_ACCOUNT_TYPES = {AccountType.ORDINARY, AccountType.CURRENT, AccountType.OTHER}
_SPACE = b" "
_TAIL = _SPACE * 7  # 114–120 ダミー
_TYPE_BYTES = {kind: kind.value.encode() for kind in AccountType}


class ZenginTransferWriter:
    """`TransferFileWriter` for 総合振込. 振込指定区分 is 7 (電信), 新規コード 0, no EDI."""

    def __init__(self, bank_master: BankMaster) -> None:
        self._master = bank_master
        self._bank_name = functools.lru_cache(maxsize=4096)(self._lookup_bank)
        self._branch_name = functools.lru_cache(maxsize=65536)(self._lookup_branch)
        self._routes = functools.lru_cache(maxsize=65536)(self._route)

    # names from the master: None when the code is unknown
    def _lookup_bank(self, code: str) -> bytes | None:
        bank = self._master.bank(code)
        return None if bank is None else fit(to_file_text(bank.kana), 15)

    def _lookup_branch(self, bank_code: str, code: str) -> bytes | None:
        branch = self._master.branch(bank_code, code)
        return None if branch is None else fit(to_file_text(branch.kana), 15)

    def problems(self, *, originator: Originator,
                 lines: Iterable[TransferLine]) -> Iterator[ExportProblem]:
        try:
            self.header(originator, dt.date(2000, 1, 1))
        except InvalidValue as error:
            yield ExportProblem(reference="依頼人", payee=originator.name, reason=error.message)
        count = total = 0
        for line in lines:
            count += 1
            total += line.amount.yen
            yield from self._line_problems(line)
        if count > 999_999:
            yield ExportProblem(reference="合計", payee="",
                                reason="1つのファイルは999,999件までです。")
        if total > 999_999_999_999:
            yield ExportProblem(reference="合計", payee="",
                                reason="合計金額が12桁を超えます。")

    def _line_problems(self, line: TransferLine) -> Iterator[ExportProblem]:
        account, name = line.account, line.account.holder.text

        def problem(reason: str) -> ExportProblem:
            return ExportProblem(reference=line.reference, payee=name, reason=reason)

        bad = forbidden_in(name)
        if bad:
            shown = "、".join(f"「{c}」" for c in bad)
            yield problem(f"受取人名に振込データで使えない文字があります: {shown}")
        if self._bank_name(account.bank_code) is None:
            yield problem(f"金融機関コード {account.bank_code} が金融機関マスタにありません。")
        elif self._branch_name(account.bank_code, account.branch_code) is None:
            yield problem(f"支店コード {account.branch_code} が金融機関 {account.bank_code} の"
                          "支店にありません。")
        if line.amount.yen <= 0 or line.amount.yen > MAX_AMOUNT:
            yield problem("振込金額は1円以上、10桁以内でなければなりません。")

    def header(self, originator: Originator, transfer_date: dt.date) -> bytes:
        code = ensure_digits(originator.code, 10, "依頼人コード")
        if len(originator.code) != 10:
            raise InvalidValue("依頼人コードは10桁の数字で指定してください。")
        name = to_file_text(originator.name)
        bank = self._bank_name(ensure_digits(originator.bank_code, 4, "仕向銀行番号"))
        branch = self._branch_name(originator.bank_code,
                                   ensure_digits(originator.branch_code, 3, "仕向支店番号"))
        if bank is None or branch is None:
            raise InvalidValue("依頼人の金融機関・支店コードが金融機関マスタにありません。")
        if originator.account_type not in _HEADER_ACCOUNT_TYPES:
            raise InvalidValue("依頼人の預金種目は普通・当座・その他のいずれかです。")
        number = ensure_digits(originator.account_number, 7, "依頼人の口座番号")
        record = b"".join((
            b"1210", code.encode(), fit(name, 40), f"{transfer_date:%m%d}".encode(),
            originator.bank_code.encode(), bank, originator.branch_code.encode(), branch,
            originator.account_type.value.encode(), number.encode(), _SPACE * 17,
        ))
        assert len(record) == RECORD_LENGTH
        return record

    def _route(self, bank_code: str, branch_code: str) -> bytes | None:
        """被仕向銀行番号・銀行名・支店番号・支店名 (positions 2–38), once per branch."""
        bank = self._bank_name(bank_code)
        branch = self._branch_name(bank_code, branch_code)
        if bank is None or branch is None:
            return None
        return bank_code.encode() + bank + branch_code.encode() + branch

    def data(self, line: TransferLine, *, batch_number: int, sequence: int) -> bytes:
        account = line.account
        route = self._routes(account.bank_code, account.branch_code)
        if route is None:
            raise InvalidValue(f"{line.reference}: 金融機関・支店コードがマスタにありません。")
        record = b"2%s0000%s%s%s%010d0%010d%010d7 %s" % (
            route, _TYPE_BYTES[account.account_type], account.number.encode(),
            fit(account.holder.text, 30), line.amount.yen, batch_number, sequence, _TAIL)
        if len(record) != RECORD_LENGTH:
            raise InvalidValue(f"{line.reference}: 振込データのレコード長が正しくありません。")
        return record

    @staticmethod
    def trailer(count: int, total: int) -> bytes:
        return b"8%06d%012d" % (count, total) + _SPACE * 101

    @staticmethod
    def end() -> bytes:
        return b"9" + _SPACE * 119

    def records(self, *, originator: Originator, transfer_date: dt.date, batch_number: int,
                lines: Iterable[TransferLine], line_ending: str = "crlf") -> Iterator[bytes]:
        try:
            eol = LINE_ENDINGS[line_ending]
        except KeyError:
            raise InvalidValue("改行は crlf（CR+LF）か none（改行なし）を指定してください。"
                               ) from None
        yield self.header(originator, transfer_date) + eol
        count = total = 0
        for line in lines:
            count += 1
            total += line.amount.yen
            yield self.data(line, batch_number=batch_number, sequence=count) + eol
        yield self.trailer(count, total) + eol
        yield self.end() + eol
