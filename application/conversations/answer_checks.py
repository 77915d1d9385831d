"""Checks a text answer may name (`Step.check`) when a pattern is not enough: a rule of the
domain, which may read the answers of earlier checked questions on the path.

Each check turns what was typed into the value kept (or raises `InvalidValue` in Japanese) and
says how the summary shows it. `earlier` maps the check names of questions answered before on
the path to their answers, so "yucho_number" reads the 記号 kept by "yucho_symbol"."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen

from domain.channels import email_address, phone_number
from domain.errors import InvalidValue
from domain.values import BankAccount, ZenginKana, to_katakana
from domain.yucho import YuchoPassbook

__all__ = ["CHECKS", "AnswerCheck"]


@frozen
class AnswerCheck:
    parse: Callable[[str, Mapping[str, Any]], str]
    display: Callable[[str, Mapping[str, Any]], str]


def _as_typed(value: str, earlier: Mapping[str, Any]) -> str:
    return value


def _holder(text: str, earlier: Mapping[str, Any]) -> str:
    ZenginKana.of_person(text)  # what the transfer file can carry, and kana only
    return to_katakana(text)


def _symbol(text: str, earlier: Mapping[str, Any]) -> str:
    return YuchoPassbook.check_symbol(text)


def _passbook(number: str, earlier: Mapping[str, Any]) -> YuchoPassbook:
    symbol = earlier.get("yucho_symbol")
    if not isinstance(symbol, str):
        raise InvalidValue("先に通帳の記号を送ってください。")
    return YuchoPassbook.of(symbol, number)


def _contact(text: str, earlier: Mapping[str, Any]) -> str:
    """A phone number or an e-mail address, kept as "sms:+8190…" or "email:a@b.jp"."""
    if "@" in text or "＠" in text:
        return f"email:{email_address(text)}"
    try:
        return f"sms:{phone_number(text)}"
    except InvalidValue:
        raise InvalidValue("携帯電話の番号（例: 090-1234-5678）か、メールアドレス（例: "
                           "taro@example.jp）を入力してください。") from None


def _number_display(number: str, earlier: Mapping[str, Any]) -> str:
    try:
        passbook = _passbook(number, earlier)
    except InvalidValue:
        return number
    return f"{passbook.passbook_text()}（振込用: {passbook.transfer_text()}）"


CHECKS: dict[str, AnswerCheck] = {
    # 口座番号: 123-4567 and １２３４５６７ are 1234567
    "account_number": AnswerCheck(parse=lambda text, earlier: BankAccount.typed_number(text),
                                  display=_as_typed),
    # 口座名義: kana only (hiragana made katakana), as the transfer file can carry it
    "holder_kana": AnswerCheck(parse=_holder, display=_as_typed),
    # ゆうちょ銀行 passbooks: the 記号 (5 digits), then the 番号, checked together
    "yucho_symbol": AnswerCheck(parse=_symbol, display=_as_typed),
    # 連絡先: a mobile number (kept in E.164) or an e-mail address (lower-cased)
    "contact_address": AnswerCheck(parse=_contact,
                                   display=lambda value, earlier: value.split(":", 1)[-1]),
    "yucho_number": AnswerCheck(parse=lambda text, earlier: _passbook(text, earlier)
                                .passbook_number, display=_number_display),
}
