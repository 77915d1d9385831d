"""A small bank master and an originator for transfer-file tests."""

from __future__ import annotations

from adapters.banks.zengin_master import ZenginBankMaster
from application.ports.bank_master import Bank, Branch
from application.ports.payouts import Originator, TransferLine
from domain.values import AccountType, BankAccount, Money

BANKS = [
    Bank(code="0001", name="みずほ", kana="ミズホ"),
    Bank(code="0009", name="三井住友", kana="ミツイスミトモ"),
    Bank(code="0005", name="三菱UFJ", kana="ミツビシユ－エフジエイ"),
    Bank(code="9900", name="ゆうちょ", kana="ユウチヨ"),
]
BRANCHES = [
    Branch(bank_code="0001", code="001", name="東京営業部", kana="トウキヨウ"),
    Branch(bank_code="0009", code="001", name="神保町", kana="ジンボウチヨウ"),
    Branch(bank_code="0005", code="001", name="本店", kana="ホンテン"),
    Branch(bank_code="9900", code="019", name="〇一九", kana="ゼロイチキユウ"),
    # ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾞ: 16 bytes, the 16th a voiced mark (the cut at 15 splits ｿﾞ)
    Branch(bank_code="0001", code="777", name="長い支店", kana="アイウエオカキクケコサシスセゾ"),
]


def master() -> ZenginBankMaster:
    return ZenginBankMaster.from_records(BANKS, BRANCHES)


ORIGINATOR = Originator(code="1234567890", name="ミホンチヨウ", bank_code="0001",
                        branch_code="001", account_type=AccountType.ORDINARY,
                        account_number="0001234")


def line(reference: str = "d1", *, holder: str = "ヤマダ タロウ", amount: int = 70_000,
         bank: str = "0009", branch: str = "001", number: str = "7654321",
         kind: str = "1") -> TransferLine:
    return TransferLine(reference=reference, amount=Money(amount),
                        account=BankAccount.of(bank_code=bank, branch_code=branch,
                                               account_type=kind, number=number,
                                               holder=holder))
