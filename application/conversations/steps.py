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
    "MAX_CHOICES",
    "MAX_LABEL_LENGTH",
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

# Facts the town holds for a verified resident (their registry record): a question marked
# `known` is answered from the record instead of being asked, and shown in the summary.
KNOWN_FACTS = ("name", "kana", "address")

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
    def compiled_pattern(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None


def placeholders(text: str) -> list[str]:
    """The answer keys a question or message refers to as {answers.key}."""
    return _PLACEHOLDER.findall(text)
