"""Reading one answer: what a resident typed or tapped becomes a JSON-able value, or an
`InvalidValue` whose Japanese message tells them how to answer.

Values kept: text → str (in NFKC when the step has a pattern), choice → the option's value,
yes_no → bool, date → "2026-04-01", number → int, phone → "0866921234" (domain.phone), email
→ "taro@example.jp" (domain.email_addresses). Bank, branch, photo, place and address answers are
read by the engine (they need the bank master, an image or the postal codes).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from application.conversations.answer_checks import CHECKS
from application.conversations.calendar_dates import check_calendar
from application.conversations.procedures import AnswerType, Step
from domain.email_addresses import EmailAddress
from domain.errors import InvalidValue
from domain.phone import dialled_number

__all__ = [
    "NO",
    "TEXT_HARD_LIMIT",
    "YES",
    "normalize",
    "parse_answer",
    "parse_date",
    "parse_number",
    "parse_yes_no",
]

YES = "$yes"  # postback values of the はい / いいえ buttons
NO = "$no"
TEXT_HARD_LIMIT = 2000  # a text answer longer than this is refused even without max_length

_YES_WORDS = {"はい", "yes", "y", YES}
_NO_WORDS = {"いいえ", "no", "n", NO}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # newline and tab are fine in free text


def normalize(text: str) -> str:
    """For comparing what was typed: NFKC (full-width → half-width), case-folded, trimmed."""
    return unicodedata.normalize("NFKC", text).strip().casefold()


def parse_answer(step: Step, raw: str, *, today: dt.date,
                 earlier: Mapping[str, Any] | None = None) -> Any:
    """The value kept for `raw` (typed text, or the value of a tapped button) at `step`;
    `earlier`: the answers of the checked questions before it (see answer_checks)."""
    kind = step.answer
    if kind is AnswerType.TEXT:
        text = _parse_text(step, raw)
        return CHECKS[step.check].parse(text, earlier or {}) if step.check else text
    if kind is AnswerType.CHOICE:
        return _parse_choice(step, raw)
    if kind is AnswerType.YES_NO:
        return parse_yes_no(raw)
    if kind is AnswerType.DATE:
        return _check_date(step, parse_date(raw), today).isoformat()
    if kind is AnswerType.NUMBER:
        return _check_number(step, parse_number(raw))
    if kind is AnswerType.PHONE:
        return dialled_number(raw)
    if kind is AnswerType.EMAIL:
        return EmailAddress.of(raw).value
    raise ValueError(f"{kind.value} answers are read by the engine")  # pragma: no cover


def _parse_text(step: Step, raw: str) -> str:
    text = raw.strip()
    if not text:
        raise InvalidValue("文字を入力してください。")
    if _CONTROL.search(text):
        raise InvalidValue("使えない制御文字が含まれています。")
    limit = min(step.max_length, TEXT_HARD_LIMIT) if step.max_length is not None \
        else TEXT_HARD_LIMIT
    if len(text) > limit:
        raise InvalidValue(f"{limit}文字以内で入力してください（いま{len(text)}文字です）。")
    if step.min_length is not None and len(text) < step.min_length:
        raise InvalidValue(f"{step.min_length}文字以上で入力してください。")
    pattern = step.compiled_pattern
    if pattern is None:
        return text
    # A format (a postal code, an account number) is checked and kept in NFKC: １２３ is 123.
    text = unicodedata.normalize("NFKC", text)
    if not pattern.fullmatch(text):
        raise InvalidValue(step.pattern_message or "入力の形が正しくありません。")
    return text


def _parse_choice(step: Step, raw: str) -> str:
    if step.option(raw) is not None:  # a tapped button carries the value exactly
        return raw
    wanted = normalize(raw)
    for option in step.choices:
        if wanted in {normalize(option.value), normalize(option.label)}:
            return option.value
    # 「ごみ」 for 「ごみ・環境」: the start of exactly one label, two characters or more
    starting = [o for o in step.choices if normalize(o.label).startswith(wanted)]
    if len(wanted) >= 2 and len(starting) == 1:
        return starting[0].value
    raise InvalidValue("下のボタンから選んでください。")


def parse_yes_no(raw: str) -> bool:
    word = normalize(raw)
    if word in _YES_WORDS:
        return True
    if word in _NO_WORDS:
        return False
    raise InvalidValue("「はい」か「いいえ」で答えてください。")


# -- numbers ------------------------------------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")


def parse_number(raw: str) -> int:
    """Accepts full-width digits, thousands separators (1,000 / １，０００) and a sign."""
    text = unicodedata.normalize("NFKC", raw).replace("\u2212", "-")
    text = re.sub(r"[\s,、]", "", text)
    if not _INTEGER.fullmatch(text):
        if re.fullmatch(r"[+-]?[0-9]+\.[0-9]+", text):
            raise InvalidValue("数字は整数で入力してください。")
        raise InvalidValue("数字で入力してください（例: 3）。")
    return int(text)


def _check_number(step: Step, value: int) -> int:
    low, high = step.min_value, step.max_value
    if low is not None and high is not None and not low <= value <= high:
        raise InvalidValue(f"{low:,}から{high:,}までの数字で入力してください。")
    if low is not None and value < low:
        raise InvalidValue(f"{low:,}以上の数字で入力してください。")
    if high is not None and value > high:
        raise InvalidValue(f"{high:,}以下の数字で入力してください。")
    return value


# -- dates, western and Japanese era --------------------------------------------------------------

# (name, initial, first day); year N of an era is first_day.year + N - 1, and 元年 is year 1.
_ERAS = (
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
    ("大正", "T", dt.date(1912, 7, 30)),
    ("明治", "M", dt.date(1868, 1, 25)),
)
_ERA_BY_NAME = {key: (name, first) for name, initial, first in _ERAS for key in (name, initial)}
_SEP = r"[-/.年]"
_WESTERN = re.compile(rf"([0-9]{{4}}){_SEP}([0-9]{{1,2}})[-/.月]([0-9]{{1,2}})日?")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_ERA = re.compile(rf"(令和|平成|昭和|大正|明治|[RHSTM])(元|[0-9]{{1,2}}){_SEP}"
                  r"([0-9]{1,2})[-/.月]([0-9]{1,2})日?")
_DATE_HELP = "日付は 2026-04-01 のように入力してください（令和8年4月1日 も使えます）。"


def parse_date(raw: str) -> dt.date:
    """2026-04-01, 2026/4/1, 2026年4月1日, 20260401, 令和8年4月1日, 令和元年5月1日, R8.4.1,
    H31/4/30 — full-width digits and the one-character era signs (㋿, ㍻) too."""
    text = re.sub(r"\s", "", unicodedata.normalize("NFKC", raw)).upper()
    match = _WESTERN.fullmatch(text) or _COMPACT.fullmatch(text)
    if match:
        return _date(int(match[1]), int(match[2]), int(match[3]), raw)
    match = _ERA.fullmatch(text)
    if not match:
        raise InvalidValue(_DATE_HELP)
    name, first_day = _ERA_BY_NAME[match[1]]
    year_in_era = 1 if match[2] == "元" else int(match[2])
    if year_in_era < 1:
        raise InvalidValue(f"{name}は元年（1年）から数えます。")
    day = _date(first_day.year + year_in_era - 1, int(match[3]), int(match[4]), raw)
    if day < first_day:
        raise InvalidValue(f"{name}は{first_day.year}年{first_day.month}月{first_day.day}日"
                           "からです。日付を確かめてください。")
    return day


def _date(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidValue(f"「{raw.strip()}」という日付はありません。") from None


def _check_date(step: Step, day: dt.date, today: dt.date) -> dt.date:
    if step.not_future and day > today:
        raise InvalidValue("未来の日付は入力できません。")
    if step.min_date is not None and day < step.min_date:
        raise InvalidValue(f"{_japanese(step.min_date)}以降の日付を入力してください。")
    if step.max_date is not None and day > step.max_date:
        raise InvalidValue(f"{_japanese(step.max_date)}以前の日付を入力してください。")
    return check_calendar(step, day, today)


def _japanese(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
