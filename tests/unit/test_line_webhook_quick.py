"""The quick reading of LINE's webhook bodies (ADR 0079) says exactly what the SDK's typed models
say, for every event it reads: each field of each shape it knows removed, nulled, given another
type, and an extra field beside it, is read the same (or refused the same) both ways."""

from __future__ import annotations

import base64
import copy
import hashlib
import hmac
import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.line import webhook
from adapters.line.webhook import InvalidSignature, LineWebhookParser

SECRET = "quick-reading-test-channel-secret"
USER = "U" + "4" * 32
_BASE = {"mode": "active", "timestamp": 1_764_000_000_000, "webhookEventId": "01JQUICK0000000001",
         "source": {"type": "user", "userId": USER}, "deliveryContext": {"isRedelivery": False}}
SHAPES = {
    "postback": {**_BASE, "type": "postback", "replyToken": "r1", "postback": {"data": "yes"}},
    "text": {**_BASE, "type": "message", "replyToken": "r2", "message": {
        "type": "text", "id": "5001", "text": "道路に穴があります", "quoteToken": "q1",
        "markAsReadToken": "m1", "quotedMessageId": "4999"}},
    "follow": {**_BASE, "type": "follow", "replyToken": "r3", "follow": {"isUnblocked": True}},
    "unfollow": {**_BASE, "type": "unfollow", "deliveryContext": {"isRedelivery": True}},
}
OTHER_VALUES = [None, 0, 5, True, False, "", "x", 1.5, [], {}, 10**20, -1, "standby"]


def _signed(events: list[Any]) -> tuple[str, str]:
    body = json.dumps({"destination": "Ubot", "events": events}, ensure_ascii=False)
    digest = hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest()
    return body, base64.b64encode(digest).decode()


def _paths(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*path, key)
            yield from _paths(inner, (*path, key))


def _variants(shape: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path in _paths(shape):
        for other in ["<removed>", *OTHER_VALUES]:
            event = copy.deepcopy(shape)
            holder = event
            for key in path[:-1]:
                holder = holder[key]
            if other == "<removed>":
                del holder[path[-1]]
            else:
                holder[path[-1]] = other
            yield f"{'.'.join(path)}={other!r}", event
    for path in [(), *(p for p in _paths(shape) if isinstance(_at(shape, p), dict))]:
        event = copy.deepcopy(shape)
        _at(event, path)["extra"] = "x"
        yield f"{'.'.join(path) or 'event'}+extra", event


def _at(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        value = value[key]
    return value


def _outcome(read: Any, body: str, signature: str) -> Any:
    try:
        return read(body, signature)
    except Exception as error:  # the kind of refusal is what must agree
        return type(error).__name__


@pytest.mark.parametrize("name", SHAPES)
def test_each_shape_is_read_quickly_as_the_sdk_reads_it(name: str) -> None:
    parser = LineWebhookParser(SECRET)
    body, signature = _signed([SHAPES[name]])

    quick = webhook._read_quickly(body)

    assert quick is not None  # the shape is one the quick reading takes
    assert quick == parser.parse_with_sdk(body, signature) == parser.parse(body, signature)


@pytest.mark.parametrize("name", SHAPES)
def test_every_variant_of_a_shape_is_read_as_the_sdk_reads_it(name: str) -> None:
    parser = LineWebhookParser(SECRET)
    differences, taken = [], 0
    for label, event in _variants(SHAPES[name]):
        body, signature = _signed([SHAPES["postback"], event])
        taken += webhook._read_quickly(body) is not None
        quick = _outcome(parser.parse, body, signature)
        sdk = _outcome(parser.parse_with_sdk, body, signature)
        if quick != sdk:
            differences.append((label, quick, sdk))
    assert differences == []
    assert taken  # some variants (a redelivery, another reply token) are still read quickly


@pytest.mark.parametrize("body", ["{not json", "[1]", '{"events": "x"}', '{"events": [1]}',
                                  '{"destination": "U0"}', '{"events": [[[]]]}'])
def test_a_body_that_is_no_webhook_is_refused_as_the_sdk_refuses_it(body: str) -> None:
    parser = LineWebhookParser(SECRET)
    signature = base64.b64encode(hmac.new(SECRET.encode(), body.encode(),
                                          hashlib.sha256).digest()).decode()

    assert _outcome(parser.parse, body, signature) == _outcome(parser.parse_with_sdk, body,
                                                               signature)


def test_the_signature_is_checked_before_anything_is_read() -> None:
    body, signature = _signed([SHAPES["postback"]])

    with pytest.raises(InvalidSignature):
        LineWebhookParser(SECRET).parse(body, signature[:-4] + "AAA=")
    with pytest.raises(InvalidSignature):
        LineWebhookParser(SECRET).parse(body, None)
