"""The small signs a chat shows a resident while the town works on their message: the loading
dots, and 「既読」 once the message has been taken (ADR 0051)."""

from __future__ import annotations

from typing import Protocol

__all__ = ["ChatSignals"]


class ChatSignals(Protocol):
    """Best effort and quick: both return at once (the channel may send them in the background)
    and a failure is the channel's to log, never the event's. LINE shows loading dots only in a
    one-to-one chat, which is every chat the town has (group events are not read)."""

    def show_working(self, address: str) -> None:
        """Loading dots in the chat with `address`, until the town's next message arrives."""
        ...

    def mark_read(self, read_token: str) -> None:
        """Mark the message that carried `read_token` (LINE's markAsReadToken) read."""
        ...
