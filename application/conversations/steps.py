"""The parts of a procedure: questions (`Step`), their options and branches, as values.

A question says what kind of answer it wants, the rules the answer must keep (as data, so a
template carries them) and where each answer leads.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

from attrs import field, frozen

__all__ = [
    "CONFIRM",
    "KNOWN_FACTS",
    "KNOWN_TYPES",
    "MAX_CHOICES",
    "MAX_LABEL_LENGTH",
    "MAX_OFFERED_DATES",
    "MAX_OPTION_VALUE_LENGTH",
    "MAX_PHOTOS",
    "AnswerType",
    "Branch",
    "Option",
    "Step",
    "placeholders",
]

CONFIRM = "$confirm"  # the goto that jumps to the summary (or finishes when confirm=False)
MAX_CHOICES = 60  # shown a page at a time (see prompts.py)
MAX_LABEL_LENGTH = 20  # a LINE quick-reply label
# Postback data is "dlg:{turn}:{value}", at most 300 characters; 10 digits are kept for the turn.
MAX_OPTION_VALUE_LENGTH = 300 - len("dlg:") - 10 - len(":")
MAX_PHOTOS = 10  # photos one question may take (`Step.max_photos`)
# Dates offered as buttons (`Step.offer_dates`): LINE shows 13 quick replies, and スキップ,
# 戻る and やめる may take three of them.
MAX_OFFERED_DATES = 10

# Facts the town holds for a verified resident (their registry record): a question marked
# `known` is answered from the record instead of being asked, and shown in the summary.
KNOWN_FACTS = ("name", "kana", "address", "birth_date")

_PLACEHOLDER = re.compile(r"\{answers\.([A-Za-z][A-Za-z0-9_]*)\}")


class AnswerType(enum.Enum):
    TEXT = "text"
    CHOICE = "choice"
    YES_NO = "yes_no"
    DATE = "date"
    NUMBER = "number"
    BANK = "bank"  # 金融機関: found by name, kana or code; the 4-digit code is kept
    BRANCH = "branch"  # 支店 of the bank chosen at `bank_step`; the 3-digit code is kept
    PHOTO = "photo"  # an image; an opaque reference to the stored photo is kept (with
    # `max_photos`, several: the list of references)
    LOCATION = "location"  # a place: {"latitude", "longitude", "address"} (domain.places)
    PHONE = "phone"  # a Japanese telephone number, kept as dialled in Japan: "0866921234"
    EMAIL = "email"  # an e-mail address, kept in lower case (domain.email_addresses)
    ADDRESS = "address"  # 住所 on one line; a typed postal code is looked up and the rest asked:
    # "〒719-1131 岡山県総社市中央1-1-1"; a typed full address is kept as typed


# The answer types each known fact may fill (`Step.known`): the fact's value is kept as the
# answer, so it must be one that type keeps (a date of birth as "1980-04-01").
KNOWN_TYPES = {
    "name": frozenset({AnswerType.TEXT}),
    "kana": frozenset({AnswerType.TEXT}),
    "address": frozenset({AnswerType.TEXT, AnswerType.ADDRESS}),
    "birth_date": frozenset({AnswerType.DATE}),
}


@frozen
class Option:
    value: str  # kept as the answer and sent back in the postback
    label: str  # what the button says (at most 20 characters)


@frozen
class Branch:
    """Where to go when the answer equals `when_value` (choice: an option value; yes_no: true or
    false; number: an integer; a skipped answer: null)."""

    when_value: str | int | bool | None
    goto: str  # a later step's key, or "$confirm"

    def matches(self, answer: Any) -> bool:
        if isinstance(answer, bool) or isinstance(self.when_value, bool):
            return isinstance(answer, bool) and answer is self.when_value
        return bool(answer == self.when_value)


@frozen
class Step:
    key: str
    question: str  # may say {answers.other_key} to show an earlier answer
    answer: AnswerType
    choices: tuple[Option, ...] = field(default=(), converter=tuple)
    required: bool = True  # False: the resident may answer "スキップ" (kept as None)
    label: str = ""  # the line's name in the summary; "" = the question
    hint: str = ""
    # text
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None  # a regular expression the whole answer must match
    pattern_message: str = ""
    check: str | None = None  # a named domain check (answer_checks.CHECKS), after the pattern
    # number
    min_value: int | None = None
    max_value: int | None = None
    # date
    min_date: dt.date | None = None
    max_date: dt.date | None = None
    not_future: bool = False
    # date from a calendar (a collection day, an appointment): the weekdays allowed (0 = Monday
    # … 6 = Sunday; () = any), at least `min_days_ahead` days after today, and the next
    # `offer_dates` allowed dates offered as buttons. Such a question never allows 年末年始
    # (12/29–1/3), when the town's offices are closed (calendar_dates.py).
    weekdays: tuple[int, ...] = field(default=(), converter=tuple)
    min_days_ahead: int | None = None
    offer_dates: int | None = None
    # branch (支店)
    bank_step: str | None = None
    # photo: None takes one photo (its reference is kept); N takes 1 to N, one at a time with
    # 「写真を追加」 / 「次へ」 between them (the list of references is kept)
    max_photos: int | None = None
    # where next: the first matching branch, else `next`, else the following step
    next: str | None = None
    branches: tuple[Branch, ...] = field(default=(), converter=tuple)
    # a fact of KNOWN_FACTS: a verified resident is not asked, the town's record answers
    known: str | None = None

    @property
    def summary_label(self) -> str:
        return self.label or self.question

    def option(self, value: str) -> Option | None:
        return next((o for o in self.choices if o.value == value), None)

    @property
    def uses_calendar(self) -> bool:
        """A date from the town's calendar (see the date fields above)."""
        return bool(self.weekdays) or self.min_days_ahead is not None \
            or self.offer_dates is not None

    @property
    def compiled_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None


def placeholders(text: str) -> list[str]:
    """The answer keys a question or message refers to as {answers.key}."""
    return _PLACEHOLDER.findall(text)
