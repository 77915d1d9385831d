"""The bank master (全銀 金融機関・支店コード): find a bank or branch from what a resident types.

The master writes names short (みずほ, 北海道信金, 本店, 〇一八); what a resident reads is the full
name (`Bank.full_name`: みずほ銀行, 北海道信用金庫; `Branch.full_name`: 本店, 丸の内中央支店,
〇一八店), with the master's own characters (三菱ＵＦＪ銀行 as the bank writes itself)."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen

from domain.yucho import YUCHO_BANK_CODE  # its branches are named by their digits (〇一八店)

__all__ = ["YUCHO_BANK_CODE", "Bank", "BankMaster", "Branch"]

# The master's abbreviations of kinds of institution, and what they stand for (longest first).
_KINDS = (
    ("信漁連", "信用漁業協同組合連合会"), ("信連", "信用農業協同組合連合会"),
    ("労金連", "労働金庫連合会"), ("全信組連", "全国信用協同組合連合会"),
    ("信金", "信用金庫"), ("信組", "信用組合"), ("労金", "労働金庫"), ("農協", "農業協同組合"),
    ("漁協", "漁業協同組合"), ("漁連", "漁業協同組合連合会"),
)
_SPECIAL = {"商工中金": "商工組合中央金庫", "農林中金": "農林中央金庫"}
# Branch names that already say what they are (本店, 東京営業部, 県庁出張所, 本所, …).
_BRANCH_ENDINGS = ("支店", "本店", "営業部", "出張所", "支所", "本所", "代理店", "営業所",
                   "センター", "店")


@frozen
class Bank:
    code: str  # 4 digits: 0001
    name: str  # as the master writes it, without 銀行: みずほ
    kana: str  # full-width katakana as the master writes it: ミズホ

    @property
    def full_name(self) -> str:
        """The name a resident reads: みずほ銀行, 三菱ＵＦＪ銀行, ゆうちょ銀行, 北海道信用金庫."""
        name = self.name.strip()
        if name in _SPECIAL:
            return _SPECIAL[name]
        is_bank = self.code < "1000" or self.code == YUCHO_BANK_CODE
        if is_bank:
            return name if name.endswith("銀行") else f"{name}銀行"
        for short, long in _KINDS:
            if name.endswith(short):
                return name[: -len(short)] + long
        return name


@frozen
class Branch:
    bank_code: str
    code: str  # 3 digits: 001
    name: str  # 東京営業部
    kana: str  # トウキヨウ

    @property
    def full_name(self) -> str:
        """The name a resident reads: 本店, 東京営業部, 丸の内中央支店, 〇一八店 (ゆうちょ)."""
        name = self.name.strip()
        if name.endswith(_BRANCH_ENDINGS):
            return name
        return f"{name}店" if self.bank_code == YUCHO_BANK_CODE else f"{name}支店"


class BankMaster(Protocol):
    def search_banks(self, query: str, limit: int = 12) -> list[Bank]:
        """Banks whose name, kana (hiragana or katakana) or code match `query`; exact and
        prefix matches first. An empty query finds nothing."""
        ...

    def bank(self, code: str) -> Bank | None: ...

    def exact_bank(self, query: str) -> Bank | None:
        """The one bank `query` names exactly (its 4-digit code, its name with or without 銀行,
        its kana), or None when it names none or more than one."""
        ...

    def search_branches(self, bank_code: str, query: str, limit: int = 12) -> list[Branch]:
        """Branches of one bank whose name, kana or 3-digit code match `query`."""
        ...

    def branch(self, bank_code: str, code: str) -> Branch | None: ...

    def exact_branch(self, bank_code: str, query: str) -> Branch | None:
        """The one branch of a bank `query` names exactly (its 3-digit code, its name with or
        without 支店, its kana), or None."""
        ...
