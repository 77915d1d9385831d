"""Questions the town's record answers (`Step.known`): a verified resident is never asked their
name, address or date of birth. The facts are kept in the answers under `KNOWN`. When a
procedure has such questions, the conversation first shows what the town holds and asks only
to confirm it (the pseudo-question `CHECKING`): はい fills those questions and goes on; いいえ
explains that the facts come from the My Number card (本人確認 again after a move) and ends
the procedure, nothing submitted. 「最初から」 fills them again without asking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from application.channels.menu import VERIFY_DATA, VERIFY_LABEL
from application.conversations import postbacks as pb
from application.conversations.answers import NO, YES
from application.conversations.procedures import CONFIRM, Procedure, Step
from application.conversations.state import Conversation, ConversationStatus
from application.ports.messaging import Choice, MessageStyle, OutgoingMessage

__all__ = ["CHECKING", "KNOWN", "facts_confirmed", "facts_declined", "facts_message",
           "first_key", "known_answer", "prefill", "restart", "shown_facts"]

KNOWN = "$known"  # in the answers: what the town's record says of a verified resident
CHECKING = "$facts"  # the step key while the resident confirms what the town holds
FACT_LABELS = {"name": "お名前", "kana": "フリガナ", "address": "住所", "birth_date": "生年月日"}
CONFIRM_FACTS = "この内容でよろしいですか？"
DECLINED = ("お名前・住所・生年月日は、マイナンバーカードでの本人確認のときに確かめたものです。"
            "引っ越しなどで変わったときは、もう一度本人確認をしてから手続きしてください。"
            "この手続きはここで終わります（何も送られていません）。")


def known_answer(step: Step, conversation: Conversation) -> str | None:
    """The town's record of the fact `step` asks for, when it holds it for this resident."""
    known = conversation.answers.get(KNOWN)
    if step.known is None or not isinstance(known, dict):
        return None
    value = known.get(step.known)
    return value if isinstance(value, str) and value else None


def shown_facts(procedure: Procedure, facts: Mapping[str, str]) -> list[tuple[str, str]]:
    """(label, value) of each fact the procedure's questions take and the town holds, once."""
    wanted = [step.known for step in procedure.steps if step.known and facts.get(step.known)]
    return [(FACT_LABELS.get(name, name), _shown(name, facts[name]))
            for name in dict.fromkeys(wanted) if name is not None]


def first_key(procedure: Procedure, facts: Mapping[str, str]) -> str:
    """Where a conversation starts: confirming what the town holds, when the procedure takes
    any of it; else the first question."""
    return CHECKING if shown_facts(procedure, facts) else procedure.first_step.key


def facts_confirmed(procedure: Procedure, conversation: Conversation,
                    now: dt.datetime) -> None:
    """はい: the first question, and those the town's record answers filled."""
    conversation.ask(procedure.first_step.key, now=now, ttl=procedure.ttl)
    prefill(procedure, conversation, now)


def facts_message(procedure: Procedure, conversation: Conversation) -> OutgoingMessage:
    known = conversation.answers.get(KNOWN)
    lines = ["本人確認で登録されているあなたの情報です。この手続きではこの内容を使います。", ""]
    lines += [f"・{label}: {value}"
              for label, value in shown_facts(procedure, known if isinstance(known, dict)
                                              else {})]
    lines += ["", CONFIRM_FACTS]
    turn = conversation.turn
    return OutgoingMessage(
        text="\n".join(lines), style=MessageStyle.QUICK_REPLY,
        choices=(Choice(label="はい", data=pb.postback(turn, YES)),
                 Choice(label="いいえ", data=pb.postback(turn, NO)),
                 Choice(label="やめる", data=pb.postback(turn, pb.CANCEL))))


def facts_declined() -> OutgoingMessage:
    return OutgoingMessage(text=DECLINED, style=MessageStyle.BUTTONS, alt_text="本人確認のご案内",
                           choices=(Choice(label=VERIFY_LABEL, data=VERIFY_DATA),))


def prefill(procedure: Procedure, conversation: Conversation, now: dt.datetime) -> None:
    """Answer the questions from the current one on that the town's record answers."""
    while conversation.status is ConversationStatus.ACTIVE and conversation.step_key \
            and conversation.step_key != CHECKING:
        step = procedure.step(conversation.step_key)
        value = known_answer(step, conversation)
        if value is None:
            return
        conversation.record_answer(value)
        key = procedure.next_key(step, value)
        if key == CONFIRM:
            conversation.confirm(now=now, ttl=procedure.ttl)
            return
        conversation.ask(key, now=now, ttl=procedure.ttl)


def restart(procedure: Procedure, conversation: Conversation, now: dt.datetime) -> None:
    """From the beginning again; what the town's record says is kept, confirmed again."""
    known = conversation.answers.get(KNOWN)
    facts = known if isinstance(known, dict) else {}
    conversation.restart(first_key(procedure, facts), now=now, ttl=procedure.ttl)
    if facts:
        conversation.answers = {KNOWN: facts}
        prefill(procedure, conversation, now)


def _shown(name: str, value: str) -> str:
    if name == "birth_date":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        return f"{day.year}年{day.month}月{day.day}日"
    return value
