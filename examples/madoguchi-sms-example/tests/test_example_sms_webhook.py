"""The reader of the vendor's webhooks (Madoguchi's SmsWebhookReader port): what the stand-in
posts, signed, is read as statuses and replies; a forged, unsigned or re-signed-elsewhere
request is refused before anything of it is read; a signed body of the wrong shape is
malformed, and the refusal repeats no number and no text."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests
from madoguchi_sms_example.standin import StandIn, running_standin
from madoguchi_sms_example.webhook import ExampleWebhookReader, signature

from application.ports.sms_webhooks import (
    InvalidWebhookSignature,
    MalformedWebhook,
    SmsOutcome,
    SmsReply,
    SmsStatusUpdate,
    WebhookRequest,
)

SECRET = "example-webhook-secret"
TOKEN, SENDER, PHONE = "example-token", "+815012345678", "+819012345678"
URL = "https://town.example/sms/example-http/webhook"


@pytest.fixture
def posted() -> list[WebhookRequest]:
    return []


@pytest.fixture
def vendor(posted: list[WebhookRequest]) -> Iterator[StandIn]:
    """The stand-in, its webhooks caught as the town would receive them."""
    def catch(url: str, body: bytes, headers: dict[str, str]) -> int:
        posted.append(WebhookRequest("POST", url, headers, body))
        return 204

    with running_standin(TOKEN, SENDER, webhook_secret=SECRET, inbound_url=URL,
                         post=catch) as standin:
        yield standin


def _send(vendor: StandIn, to: str = PHONE) -> str:
    answer = requests.post(f"{vendor.base_url}/v1/messages", timeout=5, json={
        "from": SENDER, "to": to, "text": "お知らせ", "status_callback": URL},
        headers={"Authorization": f"Bearer {TOKEN}", "Idempotency-Key": f"k-{to}"})
    assert answer.status_code == 201
    return str(answer.json()["id"])


def _signed(event: object, secret: str = SECRET) -> WebhookRequest:
    body = json.dumps(event).encode()
    return WebhookRequest("POST", URL, {"x-example-signature": signature(secret, body)}, body)


def test_the_stand_ins_status_callbacks_and_replies_are_read(
        vendor: StandIn, posted: list[WebhookRequest]) -> None:
    delivered, failed = _send(vendor), _send(vendor, "+819087654321")
    vendor.undeliverable.add("+819011112222")
    unknown = _send(vendor, "+819011112222")

    assert vendor.pump_callbacks() == [204, 204, 204] and vendor.pump_callbacks() == []
    reply_id, status = vendor.reply(PHONE, "はい")
    assert status == 204
    reader = ExampleWebhookReader(SECRET)
    reports = [reader.read(request) for request in posted]

    assert [r.statuses for r in reports[:1]] == [
        (SmsStatusUpdate(delivered, SmsOutcome.DELIVERED, "delivered"),)]
    assert reports[1].statuses[0].provider_ref == failed
    assert reports[2].statuses == (
        SmsStatusUpdate(unknown, SmsOutcome.UNREACHABLE, "failed unknown_number"),)
    assert reports[3].replies == (SmsReply(reply_id, PHONE, "はい"),) and not reports[3].statuses


@pytest.mark.parametrize(("status", "code", "outcome"), [
    ("accepted", "", SmsOutcome.SENDING),
    ("sent", "", SmsOutcome.SENDING),
    ("undelivered", "", SmsOutcome.UNDELIVERED),
    ("failed", "not_mobile", SmsOutcome.UNREACHABLE),
    ("failed", "blocked", SmsOutcome.UNREACHABLE),
    ("failed", "throttled", SmsOutcome.FAILED),
])
def test_each_status_maps_onto_an_outcome(status: str, code: str, outcome: SmsOutcome) -> None:
    report = ExampleWebhookReader(SECRET).read(_signed(
        {"type": "message.status", "id": "msg_1", "status": status, "error_code": code}))

    assert [update.outcome for update in report.statuses] == [outcome]


GOOD = {"type": "message.inbound", "id": "in_1", "from": PHONE, "to": SENDER, "text": "はい"}


@pytest.mark.parametrize("request_", [
    WebhookRequest("POST", URL, {}, json.dumps(GOOD).encode()),  # unsigned
    WebhookRequest("POST", URL, {"X-Example-Signature": "sha256=00"}, json.dumps(GOOD).encode()),
    _signed(GOOD, secret="another-accounts-secret"),
    # signed, then changed on the way
    WebhookRequest("POST", URL, _signed(GOOD).headers,
                   json.dumps({**GOOD, "text": "いいえ"}).encode()),
    WebhookRequest("GET", URL, _signed(GOOD).headers, _signed(GOOD).body),
    # captured and replayed six minutes later (its signature's time is too old)
    WebhookRequest("POST", URL, {"X-Example-Signature": signature(
        SECRET, json.dumps(GOOD).encode(), int(time.time()) - 360)}, json.dumps(GOOD).encode()),
    WebhookRequest("POST", URL, {"X-Example-Signature": "t=²,sha256=00"},
                   json.dumps(GOOD).encode()),
], ids=["unsigned", "garbage", "other-secret", "tampered", "not-post", "stale", "odd-digit"])
def test_a_forged_request_is_refused(request_: WebhookRequest) -> None:
    with pytest.raises(InvalidWebhookSignature) as refused:
        ExampleWebhookReader(SECRET).read(request_)
    assert SECRET not in str(refused.value)


@pytest.mark.parametrize("body", [
    b"not json", b"[1, 2]", {"type": "message.deleted", "id": "x"},
    {**GOOD, "id": ""}, {**GOOD, "from": 819012345678},
    {"type": "message.status", "id": "msg_1", "status": "exploded"},
    {"type": "message.status", "status": "delivered"},
], ids=["not-json", "list", "unknown-type", "no-id", "number-not-string", "unknown-status",
        "status-no-id"])
def test_a_signed_body_of_the_wrong_shape_is_malformed(body: object) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = WebhookRequest("POST", URL, {"X-Example-Signature": signature(SECRET, raw)}, raw)

    with pytest.raises(MalformedWebhook) as refused:
        ExampleWebhookReader(SECRET).read(request)
    assert PHONE not in str(refused.value) and "はい" not in str(refused.value)
