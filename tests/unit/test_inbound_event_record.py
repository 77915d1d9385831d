"""An inbound event as the inbox keeps it: plain JSON values, read back as the same event."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

from application.channels.inbound import InboundEvent, InboundKind

AT = dt.datetime(2026, 12, 6, 0, 30, tzinfo=dt.UTC)
EVENTS = [
    InboundEvent(channel="line", external_id="01JREC1", address="U" + "1" * 32,
                 kind=InboundKind.POSTBACK, occurred_at=AT, data="yes", reply_token="r"),
    InboundEvent(channel="line", external_id="01JREC2", address="U" + "2" * 32,
                 kind=InboundKind.LOCATION, occurred_at=AT, text="本町1丁目", latitude=36.2,
                 longitude=138.25, read_token="m", redelivery=True,
                 received_at=AT + dt.timedelta(seconds=1)),
]


@pytest.mark.parametrize("event", EVENTS)
def test_the_record_is_every_field_but_when_it_was_stored_as_json(event: InboundEvent) -> None:
    record = event.to_record()

    expected = attrs.asdict(event)
    del expected["received_at"]
    expected.update(kind=event.kind.value, occurred_at=AT.isoformat())
    assert record == expected
    assert json.loads(json.dumps(record)) == record


@pytest.mark.parametrize("event", EVENTS)
def test_the_record_reads_back_as_the_event(event: InboundEvent) -> None:
    assert InboundEvent.from_record(event.to_record()) == attrs.evolve(event, received_at=None)
