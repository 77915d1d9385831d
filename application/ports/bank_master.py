"""The bank master (全銀 金融機関・支店コード): find a bank or branch from what a resident types."""

from __future__ import annotations

from typing import Protocol

from attrs import frozen

__all__ = ["Bank", "BankMaster", "Branch"]


@frozen
class Bank:
    code: str  # 4 digits: 0001
    name: str  # as the master writes it, without 銀行: みずほ
    kana: str  # full-width katakana as the master writes it: ミズホ


@frozen
class Branch:
    bank_code: str
    code: str  # 3 digits: 001
    name: str  # 東京営業部
    kana: str  # トウキヨウ


class BankMaster(Protocol):
    def search_banks(self, query: str, limit: int = 12) -> list[Bank]:
        """Banks whose name, kana (hiragana or katakana) or code match `query`; exact and
        prefix matches first. An empty query finds nothing."""
        ...

    def bank(self, code: str) -> Bank | None: ...

    def search_branches(self, bank_code: str, query: str, limit: int = 12) -> list[Branch]:
        """Branches of one bank whose name, kana or 3-digit code match `query`."""
        ...

    def branch(self, bank_code: str, code: str) -> Branch | None: ...
