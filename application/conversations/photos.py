"""Questions that take several photos (`Step.max_photos`): the photos sent so far wait in the
answers under `PENDING`, tied to the question and its turn, until 「次へ」 or the last photo
allowed makes them the answer (the list of references). Each photo asks again with a new turn,
so a 「次へ」 left on an older message is stale; going back or moving on leaves the waiting
photos behind the same way (the next answer drops them). Never submitted: `answers_on_path`
holds only the questions' keys."""

from __future__ import annotations

from collections.abc import Sequence

from application.conversations.state import Conversation
from application.conversations.steps import Step

__all__ = ["PENDING", "drop_pending", "hold_photos", "pending_photos"]

PENDING = "$photos"


def pending_photos(step: Step, conversation: Conversation) -> list[str]:
    """The photos sent so far to `step` while it is still being asked (this turn)."""
    held = conversation.answers.get(PENDING)
    if not isinstance(held, dict) or held.get("step") != step.key \
            or held.get("turn") != conversation.turn:
        return []
    return [ref for ref in held.get("refs", ()) if isinstance(ref, str)]


def hold_photos(conversation: Conversation, step: Step, refs: Sequence[str]) -> None:
    """Keep `refs` waiting for `step` at the conversation's current turn."""
    conversation.answers = {**conversation.answers,
                            PENDING: {"step": step.key, "turn": conversation.turn,
                                      "refs": list(refs)}}


def drop_pending(conversation: Conversation) -> None:
    if PENDING in conversation.answers:
        conversation.answers = {key: value for key, value in conversation.answers.items()
                                if key != PENDING}
