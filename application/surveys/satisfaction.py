"""The satisfaction question (満足度の質問) after a completed procedure: its message, its buttons
(`survey:sat:<procedure id>:<score>:<tag>`, the tag naming whom it was asked and when:
`RespondentKeys.asked`), and the town's setting that turns it off (on unless an
administrator turned it off: `town_settings` key "satisfaction_question")."""

from __future__ import annotations

from attrs import frozen

from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from application.surveys.respondents import TAG_LENGTH
from domain.surveys import SCORES

__all__ = [
    "ALREADY_ANSWERED",
    "NOT_ASKED",
    "POSTBACK_PREFIX",
    "QUESTION",
    "SETTING_KEY",
    "THANKS",
    "Rating",
    "asks_satisfaction",
    "parse_rating",
    "previous_month",
    "question",
]

QUESTION = "この手続きの使いやすさを教えてください（任意）"
THANKS = "ご回答ありがとうございました。今後の改善に役立てます。"
ALREADY_ANSWERED = "回答済みです。ありがとうございました。"
NOT_ASKED = "この質問にはお答えいただけません。"
POSTBACK_PREFIX = "survey:sat:"
SETTING_KEY = "satisfaction_question"


@frozen
class Rating:
    """A tap on one of the question's buttons."""

    procedure_id: str
    score: int
    tag: str  # whom the question was asked, and when


def question(procedure_id: str, tag: str) -> OutgoingMessage:
    """The one question, channel-neutral: five choices, 5 とても満足 … 1 とても不満; `tag`: the
    person's and month's (`RespondentKeys.asked`)."""
    return OutgoingMessage(
        text=QUESTION, style=MessageStyle.QUICK_REPLY, alt_text="使いやすさのアンケート",
        choices=tuple(Choice(label=f"{score} {label}",
                             data=f"{POSTBACK_PREFIX}{procedure_id}:{score}:{tag}")
                      for score, label in SCORES.items()))


def parse_rating(data: str) -> Rating | None:
    """The procedure, score and tag of a button's data; None for anything else (a typed or
    forged value: a score outside 1..5, no procedure, no tag)."""
    if not data.startswith(POSTBACK_PREFIX):
        return None
    rest, _, tag = data.removeprefix(POSTBACK_PREFIX).rpartition(":")
    procedure_id, _, score = rest.rpartition(":")
    if not procedure_id or len(procedure_id) > 64 or not score.isdecimal() or len(score) != 1:
        return None
    if len(tag) != TAG_LENGTH or any(c not in "0123456789abcdef" for c in tag):
        return None
    number = int(score)
    return Rating(procedure_id, number, tag) if number in SCORES else None


def previous_month(period: str) -> str:
    """"2026-11" for "2026-12", "2025-12" for "2026-01"."""
    year, month = (int(part) for part in period.split("-"))
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def asks_satisfaction(uow: UnitOfWork) -> bool:
    """The town asks the question (on unless an administrator turned it off)."""
    found = uow.town_settings.get(SETTING_KEY)
    return found is None or bool(found.value.get("on", True))
