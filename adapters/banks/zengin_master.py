"""The bank master from the `zengin-code` package (全銀協 金融機関・支店コード, updated with it).

Loaded once, on first use, never at import (the package reads ~1,200 JSON files when
imported). Search keys are computed once: NFKC, katakana folded to hiragana, small kana written
large (the master writes トウキヨウ for 東京), ぢ/づ as じ/ず, spaces, long-vowel marks and
dots removed, so みずほ, ミズホ, ﾐｽﾞﾎ and mizuho all find みずほ. Exact code, then exact name,
then prefix, then substring matches, each in code order.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

from application.ports.bank_master import Bank, Branch

__all__ = ["ZenginBankMaster", "fold"]

# banks, branches, and each bank's name in romaji where known (mizuho), which `Bank` omits
Records = tuple[list[Bank], list[Branch], dict[str, str]]
_Item = TypeVar("_Item", Bank, Branch)

_SMALL_AND_VOICED = str.maketrans("ぁぃぅぇぉっゃゅょゎゕゖぢづ", "あいうえおつやゆよわかけじず")
_DROP = re.compile(r"[\s\-ー‐‑–—―−~・.,、。()（）]")
_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def fold(text: str) -> str:
    """The form names are compared in (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
    return _DROP.sub("", text.translate(_SMALL_AND_VOICED))


# What people type that the master abbreviates, and words the master leaves out.
_BANK_REWRITES = tuple((fold(long), fold(short)) for long, short in (
    ("信用金庫", "信金"), ("しんようきんこ", "しんきん"),
    ("信用組合", "信組"), ("しんようくみあい", "しんくみ"),
    ("労働金庫", "労金"), ("ろうどうきんこ", "ろうきん"),
    ("農業協同組合", "農協"), ("のうぎょうきょうどうくみあい", "のうきょう"),
))
_BANK_SUFFIXES = tuple(fold(s) for s in ("銀行", "ぎんこう", "bank"))
_BRANCH_SUFFIXES = tuple(fold(s) for s in ("支店", "してん"))


def _bank_query(query: str) -> str:
    folded = fold(query)
    for long, short in _BANK_REWRITES:
        folded = folded.replace(long, short)
    return _strip_suffix(folded, _BANK_SUFFIXES)


def _strip_suffix(folded: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if folded.endswith(suffix) and folded != suffix:
            return folded[: -len(suffix)]
    return folded


def _keys(name: str, kana: str, roma: str = "") -> tuple[str, ...]:
    keys = {fold(name), fold(kana)}
    if roma:
        keys.add(fold(roma))
    digits = name.translate(_KANJI_DIGITS)
    if digits.isdecimal():  # ゆうちょ's branches are named 〇一九: "019" finds them too
        keys.add(digits)
    keys.discard("")
    return tuple(sorted(keys))


def _search(entries: list[tuple[_Item, tuple[str, ...]]], folded: str, code: str | None,
            limit: int) -> list[_Item]:
    if not folded or limit <= 0:
        return []
    ranked: list[tuple[int, int, _Item]] = []
    for position, (item, keys) in enumerate(entries):
        if code is not None and item.code == code:
            rank = 0
        elif folded in keys:
            rank = 1
        elif any(key.startswith(folded) for key in keys):
            rank = 2
        elif any(folded in key for key in keys):
            rank = 3
        else:
            continue
        ranked.append((rank, position, item))
    ranked.sort(key=lambda entry: entry[:2])
    return [item for _, _, item in ranked[:limit]]


def _exact(entries: list[tuple[_Item, tuple[str, ...]]], folded: str,
           code: str | None) -> _Item | None:
    """The one entry whose code is `code` or one of whose keys is `folded`; None if not one."""
    if code is not None:
        by_code = [item for item, _ in entries if item.code == code]
        if len(by_code) == 1:
            return by_code[0]
    if not folded:
        return None
    named = [item for item, keys in entries if folded in keys]
    return named[0] if len(named) == 1 else None


def _load_zengin() -> Records:
    import zengin_code  # reads the whole master: only when first needed

    banks, branches, romaji = [], [], {}
    for code, bank in zengin_code.Bank.all.items():
        banks.append(Bank(code=code, name=bank.name, kana=bank.kana))
        romaji[code] = bank.roma
        branches.extend(Branch(bank_code=code, code=branch_code, name=branch.name,
                               kana=branch.kana)
                        for branch_code, branch in bank.branches.items())
    return banks, branches, romaji


class _Index:
    def __init__(self, records: Records) -> None:
        banks, branches, roma = records
        self.banks = {bank.code: bank for bank in sorted(banks, key=lambda b: b.code)}
        self.bank_entries = [(bank, _keys(bank.name, bank.kana, roma.get(bank.code, "")))
                             for bank in self.banks.values()]
        self.branches: dict[str, dict[str, Branch]] = {}
        for branch in sorted(branches, key=lambda b: (b.bank_code, b.code)):
            self.branches.setdefault(branch.bank_code, {})[branch.code] = branch
        self._branch_entries: dict[str, list[tuple[Branch, tuple[str, ...]]]] = {}
        self._lock = threading.Lock()

    def branch_entries(self, bank_code: str) -> list[tuple[Branch, tuple[str, ...]]]:
        """Each bank's branch keys are computed on its first search, then kept."""
        with self._lock:
            entries = self._branch_entries.get(bank_code)
            if entries is None:
                entries = [(branch, _keys(branch.name, branch.kana))
                           for branch in self.branches.get(bank_code, {}).values()]
                self._branch_entries[bank_code] = entries
            return entries


class ZenginBankMaster:
    """`BankMaster` over the zengin-code package, or over records given to `from_records`
    (a demo town, a test) with exactly the same search."""

    def __init__(self, load: Callable[[], Records] | None = None) -> None:
        self._load = load or _load_zengin
        self._index: _Index | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_records(cls, banks: Iterable[Bank], branches: Iterable[Branch] = ()
                     ) -> ZenginBankMaster:
        records: Records = (list(banks), list(branches), {})
        return cls(lambda: records)

    def _loaded(self) -> _Index:
        index = self._index
        if index is None:
            with self._lock:
                if self._index is None:
                    self._index = _Index(self._load())
                index = self._index
        return index

    def search_banks(self, query: str, limit: int = 12) -> list[Bank]:
        code = _digits(query, 4)
        return _search(self._loaded().bank_entries, _bank_query(query), code, limit)

    def bank(self, code: str) -> Bank | None:
        return self._loaded().banks.get(code)

    def exact_bank(self, query: str) -> Bank | None:
        return _exact(self._loaded().bank_entries, _bank_query(query), _digits(query, 4))

    def search_branches(self, bank_code: str, query: str, limit: int = 12) -> list[Branch]:
        index = self._loaded()
        folded = _strip_suffix(fold(query), _BRANCH_SUFFIXES)
        return _search(index.branch_entries(bank_code), folded, _digits(query, 3), limit)

    def branch(self, bank_code: str, code: str) -> Branch | None:
        return self._loaded().branches.get(bank_code, {}).get(code)

    def exact_branch(self, bank_code: str, query: str) -> Branch | None:
        index = self._loaded()
        folded = _strip_suffix(fold(query), _BRANCH_SUFFIXES)
        return _exact(index.branch_entries(bank_code), folded, _digits(query, 3))


def _digits(query: str, length: int) -> str | None:
    text = unicodedata.normalize("NFKC", query).strip()
    return text if len(text) == length and text.isascii() and text.isdecimal() else None
