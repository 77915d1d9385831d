"""Loading dots and read marks for a resident's message (ADR 0051): which events get them, and
that a sign that fails leaves the event alone."""

from __future__ import annotations

import datetime as dt

import pytest

from application.channels.acknowledging import Acknowledging
from application.channels.inbound import InboundEvent, InboundKind

pytestmark = pytest.mark.unit


class RecordingSignals:
    def __init__(self, *, failing: bool = False) -> None:
        self.shown: list[str] = []
        self.read: list[str] = []
        self.failing = failing

    def show_working(self, address: str) -> None:
        if self.failing:
            raise RuntimeError("LINE is down")
        self.shown.append(address)

    def mark_read(self, read_token: str) -> None:
        if self.failing:
            raise RuntimeError("LINE is down")
        self.read.append(read_token)


def event(kind: InboundKind, read_token: str | None = None) -> InboundEvent:
    return InboundEvent(channel="line", external_id="e1", address="U1", kind=kind,
                        occurred_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
                        read_token=read_token)


@pytest.mark.parametrize("kind", [InboundKind.TEXT, InboundKind.IMAGE, InboundKind.LOCATION,
                                  InboundKind.POSTBACK])
def test_what_a_resident_sends_and_waits_for_gets_the_loading_dots(kind: InboundKind) -> None:
    signals = RecordingSignals()

    Acknowledging(signals, mark_read=False).received(event(kind))

    assert signals.shown == ["U1"]


def test_a_sticker_gets_the_dots_but_a_follow_or_a_block_does_not() -> None:
    signals = RecordingSignals()
    signs = Acknowledging(signals, mark_read=False)

    signs.received(event(InboundKind.OTHER, read_token="t"))  # a sticker: a message
    signs.received(event(InboundKind.FOLLOW))
    signs.received(event(InboundKind.UNFOLLOW))

    assert signals.shown == ["U1"]


def test_a_handled_message_is_marked_read_only_in_mark_as_read_mode() -> None:
    on, off = RecordingSignals(), RecordingSignals()

    Acknowledging(on, mark_read=True).handled(event(InboundKind.TEXT, read_token="t"))
    Acknowledging(off, mark_read=False).handled(event(InboundKind.TEXT, read_token="t"))

    assert (on.read, off.read) == (["t"], [])


def test_signs_that_fail_raise_nothing() -> None:
    signs = Acknowledging(RecordingSignals(failing=True), mark_read=True)

    signs.received(event(InboundKind.TEXT, read_token="t"))
    signs.handled(event(InboundKind.TEXT, read_token="t"))
