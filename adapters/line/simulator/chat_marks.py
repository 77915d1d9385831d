"""The chat's small signs, as LINE shows them: the loading dots a bot starts
(`POST /v2/bot/chat/loading/start`, shown until the bot's next message or for `loadingSeconds`)
and 「既読」 on a resident's message the bot marks read (`POST /v2/bot/chat/markAsRead` with the
`markAsReadToken` the message event carried, as in the account's manual mark-as-read mode)."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from attrs import frozen

from adapters.line.simulator.ids import USER_ID

__all__ = ["ChatMarks", "LoadingShown"]

INVALID_CHAT = "The property, 'chatId', in the request body is invalid"
INVALID_SECONDS = "The property, 'loadingSeconds', must be a multiple of 5 from 5 to 60"
INVALID_READ_TOKEN = "Invalid markAsReadToken"


@frozen
class LoadingShown:
    user_id: str
    seconds: int
    at: float  # the clock's time when it started


class ChatMarks:
    """Read tokens issued with message events, the events marked read, the loading dots."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[str, tuple[str, str]] = {}  # token -> (user id, webhook event id)
        self._read: dict[str, list[str]] = {}  # user id -> webhook event ids read
        self._loading: list[LoadingShown] = []

    def issue(self, user_id: str, event_id: str) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = (user_id, event_id)
        return token

    def start_loading(self, body: object, known_user: Callable[[str], bool]) -> str | None:
        """None when accepted; otherwise LINE's message for the 400."""
        if not isinstance(body, dict):
            return "The request body is not a JSON object"
        chat_id, seconds = body.get("chatId"), body.get("loadingSeconds", 20)
        if not isinstance(chat_id, str) or not USER_ID.fullmatch(chat_id) \
                or not known_user(chat_id):
            return INVALID_CHAT  # groups and rooms have no loading animation
        if isinstance(seconds, bool) or not isinstance(seconds, int) \
                or not 5 <= seconds <= 60 or seconds % 5:
            return INVALID_SECONDS
        with self._lock:
            self._loading.append(LoadingShown(chat_id, seconds, self._clock()))
        return None

    def mark_read(self, body: object) -> str | None:
        """None when accepted (again for a token already used, as it changes nothing)."""
        token = body.get("markAsReadToken") if isinstance(body, dict) else None
        with self._lock:
            issued = self._tokens.get(token) if isinstance(token, str) else None
            if issued is None:
                return INVALID_READ_TOKEN
            read = self._read.setdefault(issued[0], [])
            if issued[1] not in read:
                read.append(issued[1])
        return None

    def loading(self, user_id: str | None = None) -> list[LoadingShown]:
        with self._lock:
            return [shown for shown in self._loading if user_id in (None, shown.user_id)]

    def of(self, user_id: str) -> dict[str, Any]:
        """For the phone page: the events read, and until when dots show (epoch seconds)."""
        with self._lock:
            shown = [entry for entry in self._loading if entry.user_id == user_id]
            until = max((entry.at + entry.seconds for entry in shown), default=0.0)
            return {"read": list(self._read.get(user_id, ())), "loadingSince":
                    shown[-1].at if shown else 0.0, "loadingUntil": until}

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._read.clear()
            self._loading.clear()
