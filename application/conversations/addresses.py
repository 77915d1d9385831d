"""Address questions (`AnswerType.ADDRESS`): a typed address is kept as typed; a typed postal
code (〒100-0001, 1000001, １００－０００１) is looked up (`PostalCodes`) and the question asks for
the rest (番地・建物名), the area found waiting in the answers under `PENDING` (tied to the
question and its turn, as photos.py keeps photos). The kept answer is one line:
"〒719-1131 岡山県総社市中央1-1-1"."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from attrs import frozen

from application.conversations.state import Conversation
from application.conversations.steps import Step
from application.ports.postal_codes import PostalArea, PostalCodes
from domain.errors import InvalidValue
from domain.values import Address

__all__ = ["PENDING", "AddressReading", "area_found", "drop_area", "full_address",
           "hold_area", "looked_up_text", "pending_area", "read_address", "typed_address",
           "typed_postal_code", "written_code"]

PENDING = "$address"
_CODE = re.compile(r"〒?\s*([0-9]{3})\s*[-‐‑‒–—―−ー]?\s*([0-9]{4})")


@frozen
class AddressReading:
    """What was typed made: the answer, an area found (the rest is asked), or a problem."""

    value: str | None = None
    found: tuple[str, str] | None = None  # (the code, the address it gives)
    problem: str = ""


def read_address(step: Step, text: str, conversation: Conversation,
                 postal: PostalCodes | None) -> AddressReading:
    """An address typed whole is the answer as typed; a postal code is looked up; after one
    was found, what is typed is the rest (or another postal code, looked up instead)."""
    code = typed_postal_code(text)
    if code is not None:
        areas = postal.areas(code) if postal is not None else ()
        if not areas:
            return AddressReading(problem=f"郵便番号 {written_code(code)} は見つかりませんでした。"
                                          "番号を確かめるか、住所をすべて入力してください。")
        return AddressReading(found=(code, looked_up_text(areas)))
    held = pending_area(step, conversation)
    try:
        if held is not None:
            return AddressReading(value=full_address(held[0], held[1], text))
        return AddressReading(value=typed_address(text))
    except InvalidValue as error:
        return AddressReading(problem=error.message)


def typed_postal_code(text: str) -> str | None:
    """The 7 digits when what was typed is a postal code and nothing else."""
    match = _CODE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    return f"{match[1]}{match[2]}" if match else None


def written_code(code: str) -> str:
    return f"〒{code[:3]}-{code[3:]}"


def looked_up_text(areas: Sequence[PostalArea]) -> str:
    """What a code says of the address: the one area's; for several, what they share (the
    city, or the prefecture: the resident types the rest)."""
    first = areas[0]
    if all(a.text == first.text for a in areas):
        return first.text
    if all((a.prefecture, a.city) == (first.prefecture, first.city) for a in areas):
        return f"{first.prefecture}{first.city}"
    if all(a.prefecture == first.prefecture for a in areas):
        return first.prefecture
    return ""


def area_found(code: str, text: str) -> str:
    """The question while the rest of the address is asked."""
    if not text:
        return (f"{written_code(code)} ですね。この郵便番号は複数の地域にまたがるため、"
                "都道府県からの住所を入力してください。")
    return f"{written_code(code)} {text} ですね。続きの番地・建物名を入力してください。"


def typed_address(text: str) -> str:
    """A whole address typed: kept as typed (trimmed), within the domain's rules for 住所."""
    if not text.strip():
        raise InvalidValue("住所を入力してください。")
    return Address(text=text).text


def full_address(code: str, looked_up: str, rest: str) -> str:
    """The postal code, the area looked up and the rest typed, on one line; a rest that
    repeats the area (the whole address typed again) is not doubled."""
    rest = typed_address(rest)
    folded = unicodedata.normalize("NFKC", rest)
    shown = rest if looked_up and folded.startswith(unicodedata.normalize("NFKC", looked_up)) \
        else f"{looked_up}{_without_repeated_end(looked_up, rest)}"
    return typed_address(f"{written_code(code)} {shown}")


def _without_repeated_end(looked_up: str, rest: str) -> str:
    """The rest without the end of the area typed again before the 番地 (総社市中央 + 「中央1-1」
    is 総社市中央1-1): the longest end of the area the rest starts with, when a number
    follows it."""
    folded = unicodedata.normalize("NFKC", rest)
    for size in range(len(looked_up), 1, -1):
        end = unicodedata.normalize("NFKC", looked_up[-size:])
        after = folded[len(end):]
        if folded.startswith(end) and after[:1] and (after[0].isdecimal()
                                                     or after[0] in "一二三四五六七八九十"):
            return after
    return rest


def pending_area(step: Step, conversation: Conversation) -> tuple[str, str] | None:
    """(the code, the address it gave) while `step` asks for the rest (this turn only)."""
    held = conversation.answers.get(PENDING)
    if not isinstance(held, dict) or held.get("step") != step.key \
            or held.get("turn") != conversation.turn:
        return None
    code, text = held.get("code"), held.get("text")
    return (code, text) if isinstance(code, str) and isinstance(text, str) else None


def hold_area(conversation: Conversation, step: Step, code: str, text: str) -> None:
    conversation.answers = {**conversation.answers,
                            PENDING: {"step": step.key, "turn": conversation.turn,
                                      "code": code, "text": text}}


def drop_area(conversation: Conversation) -> None:
    if PENDING in conversation.answers:
        conversation.answers = {key: value for key, value in conversation.answers.items()
                                if key != PENDING}
