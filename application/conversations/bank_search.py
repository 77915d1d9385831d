"""Finding the bank or branch a resident names (`AnswerType.BANK`, `BRANCH`): a name or code
matched exactly is the answer; otherwise up to 12 candidates to tap, or why none was found."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from attrs import field, frozen

from application.conversations.steps import AnswerType, Step
from application.ports.bank_master import Bank, BankMaster
from application.ports.bank_master import Branch as BankBranch

__all__ = ["MAX_CANDIDATES", "MAX_QUERY", "BankSearch", "search_banks"]

MAX_QUERY = 50  # characters of a bank or branch search
MAX_CANDIDATES = 12  # and 別の名前で探す: LINE's 13 quick replies


@frozen
class BankSearch:
    query: str
    code: str | None = None  # found exactly: the answer
    note: str = ""  # what to say: the name found, or why nothing was
    candidates: Sequence[Bank | BankBranch] = field(default=(), converter=tuple)
    more: bool = False  # more matched than are shown


def search_banks(banks: BankMaster, step: Step, bank_code: str | None,
                 text: str) -> BankSearch:
    """`bank_code`: for a branch question, the bank chosen on the path."""
    query = text.strip()[:MAX_QUERY]
    what = "金融機関" if step.answer is AnswerType.BANK else "支店"
    if not query:
        return BankSearch(query, note=f"{what}の名前かコードを送ってください。")
    if step.answer is AnswerType.BANK:  # named exactly: no list to tap
        exact: Any = banks.exact_bank(query)
    else:
        exact = banks.exact_branch(bank_code or "", query)
    if exact is not None:
        return BankSearch(query, code=exact.code, note=f"{what}は「{exact.full_name}」ですね。")
    wanted = MAX_CANDIDATES + 1  # one more than can be shown, to know whether there are more
    if step.answer is AnswerType.BANK:
        found: list[Any] = list(banks.search_banks(query, limit=wanted))
    else:
        found = list(banks.search_branches(bank_code or "", query, limit=wanted))
    if not found:
        return BankSearch(query, note=f"「{query}」に当てはまる{what}が見つかりませんでした。"
                                      "別の書き方か、コードで送ってください。")
    return BankSearch(query, candidates=found[:MAX_CANDIDATES], more=len(found) > MAX_CANDIDATES)
