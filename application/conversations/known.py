"""Questions the town's record answers (`Step.known`): a verified resident is not asked their
name or address; the facts are kept in the answers under `KNOWN` and fill those questions, at
the start and again after 「最初から」."""

from __future__ import annotations

import datetime as dt

from application.conversations.procedures import CONFIRM, Procedure, Step
from application.conversations.state import Conversation, ConversationStatus

__all__ = ["KNOWN", "known_answer", "prefill", "restart"]

KNOWN = "$known"  # in the answers: what the town's record says of a verified resident


def known_answer(step: Step, conversation: Conversation) -> str | None:
    """The town's record of the fact `step` asks for, when it holds it for this resident."""
    known = conversation.answers.get(KNOWN)
    if step.known is None or not isinstance(known, dict):
        return None
    value = known.get(step.known)
    return value if isinstance(value, str) and value else None


def prefill(procedure: Procedure, conversation: Conversation, now: dt.datetime) -> None:
    """Answer the questions from the current one on that the town's record answers."""
    while conversation.status is ConversationStatus.ACTIVE and conversation.step_key:
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
    """From the first question again; what the town's record says is kept, and answers."""
    known = conversation.answers.get(KNOWN)
    conversation.restart(procedure.first_step.key, now=now, ttl=procedure.ttl)
    if isinstance(known, dict) and known:
        conversation.answers = {KNOWN: known}
        prefill(procedure, conversation, now)
