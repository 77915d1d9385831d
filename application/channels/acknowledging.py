"""Show a resident that the town has their message (ADR 0051): loading dots as soon as a
message is accepted, before it is handled, and, when the town's LINE account reads messages
only when told (its mark-as-read mode), 「既読」 once the message has been handled, so that
"read" means the town took it. A sign that fails changes nothing about the event."""

from __future__ import annotations

import logging
from collections.abc import Callable

from application.channels.inbound import InboundEvent, InboundKind
from application.ports.chat_signals import ChatSignals

__all__ = ["Acknowledging"]

log = logging.getLogger(__name__)

# What a resident sends and waits an answer to (a follow is greeted at once, a block never).
_ANSWERED = frozenset({InboundKind.TEXT, InboundKind.IMAGE, InboundKind.LOCATION,
                       InboundKind.POSTBACK})


class Acknowledging:
    def __init__(self, signals: ChatSignals, *, mark_read: bool) -> None:
        self._signals, self._mark_read = signals, mark_read

    def received(self, event: InboundEvent) -> None:
        """Before handling: the loading dots for a message (a sticker too: it has a token)."""
        if event.kind in _ANSWERED or event.read_token:
            self._quietly("loading dots", event, lambda: self._signals.show_working(
                event.address))

    def handled(self, event: InboundEvent) -> None:
        """After the event's transaction committed (never for one that failed)."""
        if self._mark_read and event.read_token:
            token = event.read_token
            self._quietly("read mark", event, lambda: self._signals.mark_read(token))

    @staticmethod
    def _quietly(sign: str, event: InboundEvent, show: Callable[[], None]) -> None:
        try:
            show()
        except Exception:  # a sign is a courtesy: the event stands without it
            log.warning("the %s for event %s could not be shown", sign, event.external_id,
                        exc_info=True)
