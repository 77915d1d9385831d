"""The satisfaction question (満足度の質問) after a completed procedure: its message, its buttons
(`survey:sat:<procedure id>:<score>`), and the town's setting that turns it off (on unless an
administrator turned it off: `town_settings` key "satisfaction_question")."""

from __future__ import annotations

from attrs import frozen

from application.ports.messaging import Choice, MessageStyle, OutgoingMessage
from application.ports.unit_of_work import UnitOfWork
from domain.surveys import SCORES

__all__ = [
    "ALREADY_ANSWERED",
    "POSTBACK_PREFIX",
    "QUESTION",
    "SETTING_KEY",
    "THANKS",
    "Rating",
    "asks_satisfaction",
    "parse_rating",
    "question",
]

QUESTION = "この手続きの使いやすさを教えてください（任意）"
THANKS = "ご回答ありがとうございました。今後の改善に役立てます。"
ALREADY_ANSWERED = "回答済みです。ありがとうございました。"
POSTBACK_PREFIX = "survey:sat:"
SETTING_KEY = "satisfaction_question"


@frozen
class Rating:
    """A tap on one of the question's buttons."""

    procedure_id: str
    score: int


def question(procedure_id: str) -> OutgoingMessage:
    """The one question, channel-neutral: five choices, 5 とても満足 … 1 とても不満."""
    return OutgoingMessage(
        text=QUESTION, style=MessageStyle.QUICK_REPLY, alt_text="使いやすさのアンケート",
        choices=tuple(Choice(label=f"{score} {label}",
                             data=f"{POSTBACK_PREFIX}{procedure_id}:{score}")
                      for score, label in SCORES.items()))


def parse_rating(data: str) -> Rating | None:
    """The procedure and score of a button's data; None for anything else (a typed or forged
    value: a score outside 1..5, no procedure)."""
    if not data.startswith(POSTBACK_PREFIX):
        return None
    procedure_id, _, score = data.removeprefix(POSTBACK_PREFIX).rpartition(":")
    if not procedure_id or len(procedure_id) > 64 or not score.isdecimal() or len(score) != 1:
        return None
    number = int(score)
    return Rating(procedure_id, number) if number in SCORES else None


def asks_satisfaction(uow: UnitOfWork) -> bool:
    """The town asks the question (on unless an administrator turned it off)."""
    found = uow.town_settings.get(SETTING_KEY)
    return found is None or bool(found.value.get("on", True))
