"""LINE's location messages as inbound events: the point, and the address (or the place's name
when LINE has no address for it)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest

from adapters.line.webhook import LineWebhookParser
from application.channels.inbound import InboundKind

pytestmark = pytest.mark.unit

SECRET = "channel-secret"


def _parsed(message: dict[str, object]) -> list[object]:
    event = {"type": "message", "mode": "active", "timestamp": 1_780_000_000_000,
             "source": {"type": "user", "userId": "U" + "a" * 32},
             "webhookEventId": "01JABCDEFGHJKMNPQRSTVWXYZ0", "replyToken": "r" * 32,
             "deliveryContext": {"isRedelivery": False}, "message": message}
    body = json.dumps({"destination": "Ubot", "events": [event]}, ensure_ascii=False)
    signature = base64.b64encode(hmac.new(SECRET.encode(), body.encode(),
                                          hashlib.sha256).digest()).decode()
    return LineWebhookParser(SECRET).parse(body, signature)  # type: ignore[return-value]


@pytest.mark.parametrize(("names", "text"), [
    ({"title": "位置情報", "address": "〒100-0005 東京都千代田区丸の内1丁目"},
     "〒100-0005 東京都千代田区丸の内1丁目"),
    ({"title": "見本町役場"}, "見本町役場"),  # a named place without an address
    ({}, ""),  # a bare pin: the point alone
])
def test_a_location_message_is_a_location_event_with_its_point(
        names: dict[str, str], text: str) -> None:
    [event] = _parsed({"type": "location", "id": "5001", "latitude": 35.681236,
                       "longitude": 139.767125, **names})

    assert event.kind is InboundKind.LOCATION  # type: ignore[attr-defined]
    assert (event.latitude, event.longitude, event.text) == (  # type: ignore[attr-defined]
        35.681236, 139.767125, text)
