"""The read side of お知らせ配信 (ADR 0058): the list staff see and each notice's results, by
channel, from its recipients and the outbox rows of its messages (with those carried on down
the ladder)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from attrs import frozen

from domain.notices import Notice

__all__ = ["ChannelFigures", "NoticeLine", "NoticeQueries", "NoticeResults"]


@frozen
class ChannelFigures:
    channel: str
    people: int = 0  # recipients first told on this channel
    messages: int = 0  # outbox rows on this channel (first rungs and those carried on)
    sent: int = 0  # accepted by the channel
    delivered: int = 0
    failed: int = 0
    waiting: int = 0  # still in the outbox
    opened: int = 0  # recipients of this channel who opened the notice's page
    tapped: int = 0


@frozen
class NoticeResults:
    notice: Notice
    by_channel: tuple[ChannelFigures, ...]
    people: int  # everyone recorded
    unreached: int  # 届かない: no rung reaches them (the postal path)
    declined: int  # declined optional messages

    @property
    def total(self) -> ChannelFigures:
        def add(name: str) -> int:
            return sum(getattr(f, name) for f in self.by_channel)
        return ChannelFigures("", *(add(n) for n in ("people", "messages", "sent", "delivered",
                                                     "failed", "waiting", "opened", "tapped")))


@frozen
class NoticeLine:
    notice: Notice
    people: int
    opened: int
    tapped: int


class NoticeQueries(Protocol):
    def notices(self, *, limit: int = 200) -> Sequence[NoticeLine]:
        """The newest first."""
        ...

    def results(self, notice_id: str) -> NoticeResults | None: ...
