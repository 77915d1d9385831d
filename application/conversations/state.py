"""The state of one resident's conversation: what the engine reads and the caller persists.

Everything here is JSON-able (answers are str / int / bool / None / lists / dicts), so a
conversation can be stored as a row, paused for days and resumed on another worker.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from attrs import define

from domain.errors import IllegalTransition

__all__ = ["Conversation", "ConversationStatus"]


class ConversationStatus(enum.Enum):
    ACTIVE = "active"  # asking the question `step_key`
    CONFIRMING = "confirming"  # showing the summary, waiting for はい / いいえ
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_open(self) -> bool:
        return self in {ConversationStatus.ACTIVE, ConversationStatus.CONFIRMING}


@define(slots=False, eq=False)
class Conversation:
    """One run of a procedure with one resident (対話). An entity: equal only to itself.

    `history` holds the keys of the questions answered on the way to the current one, in
    order: "戻る" pops it. `turn` grows each time a new question is asked; buttons carry it, so
    a tap on an old question's button is recognised and refused.
    """

    id: str
    identity_id: str  # the resident's channel identity (their LINE account at this town)
    procedure_id: str
    step_key: str | None  # None while confirming or once finished
    answers: dict[str, Any]
    history: list[str]
    turn: int
    status: ConversationStatus
    started_at: dt.datetime
    updated_at: dt.datetime
    expires_at: dt.datetime
    # The version of a procedure staff built (None: one that ships with Madoguchi; 0: a draft
    # staff are trying): the resident finishes on the version they started.
    procedure_version: int | None = None

    @classmethod
    def begin(cls, *, id: str, identity_id: str, procedure_id: str, first_step: str,
              now: dt.datetime, ttl: dt.timedelta,
              procedure_version: int | None = None) -> Conversation:
        return cls(
            id=id, identity_id=identity_id, procedure_id=procedure_id, step_key=first_step,
            answers={}, history=[], turn=1, status=ConversationStatus.ACTIVE,
            started_at=now, updated_at=now, expires_at=now + ttl,
            procedure_version=procedure_version,
        )

    # -- reading -----------------------------------------------------------------------------

    def is_expired_at(self, now: dt.datetime) -> bool:
        return self.status is ConversationStatus.EXPIRED or (
            self.status.is_open and now >= self.expires_at
        )

    def answers_on_path(self) -> dict[str, Any]:
        """The answers to the questions on the path actually taken (an answer left behind on a
        branch the resident went back from is not part of what they submit)."""
        return {key: self.answers.get(key) for key in self.history}

    # -- changing ----------------------------------------------------------------------------

    def _ensure_open(self) -> None:
        if not self.status.is_open:
            raise IllegalTransition("この手続きはすでに終わっています。",
                                    code="conversation_closed")

    def _touch(self, now: dt.datetime, ttl: dt.timedelta) -> None:
        self.updated_at = now
        self.expires_at = now + ttl

    def ask(self, step_key: str, *, now: dt.datetime, ttl: dt.timedelta) -> None:
        """Move to the question `step_key`: a new turn."""
        self._ensure_open()
        self.step_key = step_key
        self.status = ConversationStatus.ACTIVE
        self.turn += 1
        self._touch(now, ttl)

    def record_answer(self, value: Any) -> None:
        """Keep the answer to the current question and put it on the path."""
        self._ensure_open()
        if self.step_key is None:
            raise IllegalTransition("いまは答えを受け付けていません。", code="no_question")
        self.answers = {**self.answers, self.step_key: value}
        self.history = [*self.history, self.step_key]

    def go_back(self, *, now: dt.datetime, ttl: dt.timedelta) -> bool:
        """Return to the previous question, keeping the answers. False when there is none."""
        self._ensure_open()
        if not self.history:
            return False
        previous = self.history[-1]
        self.history = self.history[:-1]
        self.ask(previous, now=now, ttl=ttl)
        return True

    def restart(self, first_step: str, *, now: dt.datetime, ttl: dt.timedelta) -> None:
        """Start over: answers and path cleared, the first question asked again."""
        if self.status is ConversationStatus.EXPIRED:
            self.status = ConversationStatus.ACTIVE
            self.started_at = now
        self.answers = {}
        self.history = []
        self.ask(first_step, now=now, ttl=ttl)

    def confirm(self, *, now: dt.datetime, ttl: dt.timedelta) -> None:
        """Show the summary and wait for はい / いいえ: a new turn."""
        self._ensure_open()
        self.step_key = None
        self.status = ConversationStatus.CONFIRMING
        self.turn += 1
        self._touch(now, ttl)

    def forget_answers(self) -> None:
        """A finished conversation's answers go (its case's retention passed, ADR 0047)."""
        if not self.status.is_open:
            self.answers, self.history = {}, []

    def complete(self, *, now: dt.datetime) -> None:
        self._close(ConversationStatus.COMPLETED, now)

    def cancel(self, *, now: dt.datetime) -> None:
        self._close(ConversationStatus.CANCELLED, now)

    def expire(self, *, now: dt.datetime) -> None:
        self._close(ConversationStatus.EXPIRED, now)

    def _close(self, status: ConversationStatus, now: dt.datetime) -> None:
        self._ensure_open()
        self.status = status
        self.step_key = None
        self.updated_at = now

    # -- JSON --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The fields as JSON-able values (datetimes in ISO 8601, the status as its value)."""
        return {
            "id": self.id, "identity_id": self.identity_id, "procedure_id": self.procedure_id,
            "step_key": self.step_key, "answers": dict(self.answers),
            "history": list(self.history), "turn": self.turn, "status": self.status.value,
            "started_at": self.started_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Conversation:
        return cls(
            id=data["id"], identity_id=data["identity_id"], procedure_id=data["procedure_id"],
            step_key=data["step_key"], answers=dict(data["answers"]),
            history=list(data["history"]), turn=int(data["turn"]),
            status=ConversationStatus(data["status"]),
            started_at=dt.datetime.fromisoformat(data["started_at"]),
            updated_at=dt.datetime.fromisoformat(data["updated_at"]),
            expires_at=dt.datetime.fromisoformat(data["expires_at"]),
        )
