"""ゆうちょ銀行 (Japan Post Bank, bank code 9900): the 記号 and 番号 printed on a passbook, and
the transfer form (店番, 預金種目, 口座番号) that other banks and the Zengin file need.

- 記号 starting with 1 (総合口座): 店番 = its 2nd and 3rd digits followed by 8 (10180 → 018,
  named 〇一八); 普通; 口座番号 = the 番号 without its last digit (always 1), zero-filled to 7.
- 記号 starting with 0 (振替口座): 店番 = its 2nd and 3rd digits followed by 9 (00530 → 059);
  当座; 口座番号 = the 番号 zero-filled to 7.

    >>> passbook = YuchoPassbook.of("10180", "12345671")
    >>> passbook.branch_code, passbook.branch_name, passbook.account_type.label, passbook.number
    ('018', '〇一八', '普通', '1234567')
    >>> passbook.bank_account("ヤマダ タロウ").branch_code
    '018'
"""

from __future__ import annotations

import re
import unicodedata

from attrs import field, frozen

from domain.errors import InvalidValue
from domain.values import AccountType, BankAccount

__all__ = ["YUCHO_BANK_CODE", "YuchoPassbook", "account_from_form", "as_on_passbook", "branch_name"]

YUCHO_BANK_CODE = "9900"

_KANJI_DIGITS = "〇一二三四五六七八九"
_DIGITS = re.compile(r"[0-9]+")


def _typed_digits(text: object) -> str:
    """What a person typed, as ASCII digits: full-width digits, spaces and hyphens allowed."""
    return re.sub(r"[\s\-‐−ー]", "", unicodedata.normalize("NFKC", str(text)))


def branch_name(branch_code: str) -> str:
    """A ゆうちょ 店番 as its branch is named: the digits read in kanji (018 → 〇一八)."""
    return "".join(_KANJI_DIGITS[int(digit)] for digit in branch_code)


@frozen
class YuchoPassbook:
    """記号 (5 digits) and 番号 (up to 8 digits) as a ゆうちょ passbook prints them. Build it with
    `of`, which accepts what a person types and refuses impossible combinations in Japanese."""

    symbol: str = field()
    passbook_number: str = field()

    @symbol.validator
    def _check_symbol(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or len(value) != 5 or not _DIGITS.fullmatch(value):
            raise InvalidValue("ゆうちょ銀行の記号は5桁の数字で入力してください（例: 10180）。")
        if value[0] not in "01":
            raise InvalidValue(f"ゆうちょ銀行の記号「{value}」は0か1で始まります。"
                               "通帳の記号を確かめてください。")

    @passbook_number.validator
    def _check_number(self, _attribute: object, value: str) -> None:
        if not isinstance(value, str) or not 1 <= len(value) <= 8 \
                or not _DIGITS.fullmatch(value):
            raise InvalidValue("ゆうちょ銀行の番号は8桁までの数字で入力してください"
                               "（例: 12345671）。")
        if self.symbol.startswith("1"):
            if len(value) < 2:
                raise InvalidValue("記号が1で始まる通帳の番号は2桁以上です。"
                                   "通帳の番号を確かめてください。")
            if not value.endswith("1"):
                raise InvalidValue(f"記号が1で始まる通帳の番号は最後が1です（いまは「{value}」）。"
                                   "通帳の番号を確かめてください。")
        elif len(value) > 7 and value[0] != "0":
            raise InvalidValue("記号が0で始まる通帳の番号は7桁までです。"
                               "通帳の番号を確かめてください。")
        account = value[:-1] if self.symbol.startswith("1") else value
        if not account.strip("0"):
            raise InvalidValue("ゆうちょ銀行の番号が正しくありません。"
                               "通帳の番号を確かめてください。")

    @classmethod
    def of(cls, symbol: str, number: str) -> YuchoPassbook:
        """From what a person typed (１０１８０, 1234567-1, spaces): leading zeros of the 番号 are
        kept as typed and do not matter."""
        return cls(symbol=_typed_digits(symbol), passbook_number=_typed_digits(number))

    @classmethod
    def check_symbol(cls, symbol: str) -> str:
        """The 記号 alone, checked (before the 番号 is asked); the digits kept."""
        return cls(symbol=_typed_digits(symbol), passbook_number="11").symbol

    # -- the transfer form ------------------------------------------------------------------------

    @property
    def is_ordinary(self) -> bool:
        """総合口座 (記号 starting with 1) rather than 振替口座 (starting with 0)."""
        return self.symbol.startswith("1")

    @property
    def branch_code(self) -> str:
        """店番: the 記号's 2nd and 3rd digits, then 8 (総合口座) or 9 (振替口座)."""
        return self.symbol[1:3] + ("8" if self.is_ordinary else "9")

    @property
    def branch_name(self) -> str:
        return branch_name(self.branch_code)

    @property
    def account_type(self) -> AccountType:
        return AccountType.ORDINARY if self.is_ordinary else AccountType.CURRENT

    @property
    def number(self) -> str:
        """口座番号 (7 digits): the 番号 without its check digit (総合口座), zero-filled."""
        digits = self.passbook_number[:-1] if self.is_ordinary else self.passbook_number
        return digits.lstrip("0").zfill(7)

    def bank_account(self, holder: str) -> BankAccount:
        """The account in transfer form, with the holder's name as typed (made transfer kana)."""
        return BankAccount.of(bank_code=YUCHO_BANK_CODE, branch_code=self.branch_code,
                              account_type=self.account_type, number=self.number, holder=holder)

    def passbook_text(self) -> str:
        """記号番号 as the passbook prints it: 10180-12345671."""
        return f"{self.symbol}-{self.passbook_number}"

    def transfer_text(self) -> str:
        """店番 018（〇一八） 普通 口座番号 1234567: what another bank's transfer form asks for."""
        return (f"店番 {self.branch_code}（{self.branch_name}） {self.account_type.label} "
                f"口座番号 {self.number}")


def account_from_form(*, bank_code: str, branch_code: str = "", account_type: str = "1",
                      number: str = "", holder: str, yucho_symbol: str = "",
                      yucho_number: str = "") -> BankAccount:
    """An account as a staff form takes it (a paper application, a repayment to a typed
    account): either the transfer form (bank, branch, type, number), or for ゆうちょ銀行 the
    passbook's 記号 and 番号, converted here. A 記号 given with another bank is refused, as is a
    ゆうちょ account given by neither 記号番号 nor 店番."""
    bank = _typed_digits(bank_code)
    symbol, passbook_number = str(yucho_symbol).strip(), str(yucho_number).strip()
    if symbol or passbook_number:
        if bank and bank != YUCHO_BANK_CODE:
            raise InvalidValue("記号・番号はゆうちょ銀行（金融機関コード9900）の通帳のときだけ"
                               "入力してください。")
        if not symbol or not passbook_number:
            raise InvalidValue("ゆうちょ銀行の通帳の記号と番号を両方入力してください。")
        return YuchoPassbook.of(symbol, passbook_number).bank_account(holder)
    if bank == YUCHO_BANK_CODE and not _typed_digits(branch_code):
        raise InvalidValue("ゆうちょ銀行は、通帳の記号と番号か、店番（3桁）と口座番号を"
                           "入力してください。")
    return BankAccount.of(bank_code=bank_code, branch_code=branch_code,
                          account_type=account_type, number=number, holder=holder)


def as_on_passbook(account: BankAccount) -> tuple[str, str] | None:
    """How a ゆうちょ account in transfer form reads on its passbook, for staff comparing it with
    the photo: (記号, 番号), the 記号's 4th and 5th digits, which the transfer form does not keep,
    as □ (018 普通 1234567 → 101□□, 12345671; 059 当座 0000123 → 005□□, 123). None for another
    bank, or a branch that is not a ゆうちょ 店番."""
    branch = account.branch_code
    if account.bank_code != YUCHO_BANK_CODE or len(branch) != 3 or not branch.isdigit():
        return None
    digits = account.number.lstrip("0") or "0"
    if branch[2] == "8" and account.account_type is AccountType.ORDINARY:
        return f"1{branch[:2]}□□", f"{digits}1"
    if branch[2] == "9" and account.account_type is AccountType.CURRENT:
        return f"0{branch[:2]}□□", digits
    return None
