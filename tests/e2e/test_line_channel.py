"""The LINE channel end to end: the simulator plays the platform (and the residents' phones),
the app runs over real HTTP, and every message goes through the real line-bot-sdk."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
import urllib.request

import pytest

from application.messaging.codec import messages_to_json
from application.messaging.outbox import OutboxMessage, OutboxStatus
from application.ports.messaging import OutgoingMessage
from entrypoints.web import create_app
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def test_a_resident_adds_the_account_and_completes_a_dialog(stack: Stack) -> None:
    user = stack.resident()

    assert stack.sim.follow(user).status == 200
    assert "試験町の公式アカウント" in stack.texts(user)[0]

    stack.tap(user, "お問い合わせ")
    assert "お名前" in stack.texts(user)[-1]
    stack.sim.send_text(user, "山田 花子")
    assert "どのようなご用件" in stack.texts(user)[-1]
    stack.tap(user, "道路・公園")
    stack.sim.send_text(user, "短い")  # too short: explained, asked again
    assert "5文字以上" in " ".join(stack.texts(user)[-2:])
    stack.sim.send_text(user, "本町2丁目の街灯が消えています。")
    stack.tap(user, "いいえ")  # no photo
    assert stack.last(user)["type"] == "template"  # the confirm template: はい / いいえ
    assert "道路・公園" in " ".join(stack.texts(user)[-3:])  # the summary before it
    stack.tap(user, "はい")

    assert "お問い合わせを受け付けました" in stack.said(user)
    assert stack.sim.stats()["duplicate_deliveries"] == 0
    with stack.container.uow() as uow:
        identity = uow.channel_identities.get_by_address("line", user)
        assert uow.conversations.current_for(identity.id) is None  # completed
        counts = uow.queries.messages.outbox_counts()
    # one reply for each of the 8 things they did (the satisfaction question that follows the
    # last one goes in its request, ADR 0059)
    assert counts == {OutboxStatus.SENT: 8}


def test_a_redelivered_event_is_handled_once(stack: Stack) -> None:
    user = stack.resident()
    first = stack.sim.follow(user)
    received = len(stack.sim.received(user))

    again = stack.sim.redeliver(first.webhook_event_id)

    assert again.status == 200
    assert len(stack.sim.received(user)) == received
    assert stack.count("inbox") == 1


def test_two_concurrent_deliveries_of_one_event_act_once(stack: Stack) -> None:
    user = stack.resident()
    stack.sim.follow(user)
    before = len(stack.sim.received(user))
    event = {
        "type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user}, "webhookEventId": "01JCONCURRENT0000000000000",
        "deliveryContext": {"isRedelivery": False}, "replyToken": "0" * 32,
        "message": {"type": "text", "id": "1", "quoteToken": "q", "text": "メニュー"},
    }
    signed = stack.sim.signed_webhook([event])
    statuses: list[int] = []

    def deliver() -> None:
        request = urllib.request.Request(f"{stack.app_url}/line/webhook", data=signed.body,
                                         headers=signed.headers(), method="POST")
        with urllib.request.urlopen(request, timeout=30) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200] * 4
    assert stack.count("inbox") == 2  # the follow and this one
    assert len(stack.sim.received(user)) == before + 1


@pytest.mark.parametrize("tamper", ["missing", "wrong_secret", "body_altered"])
def test_a_forged_webhook_is_refused_and_nothing_is_stored(stack: Stack, tamper: str) -> None:
    body = json.dumps({"destination": "U0", "events": [{
        "type": "follow", "mode": "active", "timestamp": 1, "webhookEventId": "01JFORGED",
        "source": {"type": "user", "userId": "U" + "a" * 32}, "replyToken": "r",
        "deliveryContext": {"isRedelivery": False}, "follow": {"isUnblocked": False}}]}).encode()
    secret = stack.container.config.line_channel_secret().encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    headers = {"Content-Type": "application/json"}
    if tamper == "wrong_secret":
        headers["X-Line-Signature"] = base64.b64encode(
            hmac.new(b"not-the-secret", body, hashlib.sha256).digest()).decode()
    elif tamper == "body_altered":
        headers["X-Line-Signature"] = signature
        body = body.replace(b'"timestamp": 1', b'"timestamp": 2')
    client = create_app(stack.container).test_client()

    response = client.post("/line/webhook", data=body, headers=headers)

    assert response.status_code == 400
    assert response.json["error"]["code"] == "invalid_signature"
    assert stack.count("inbox") == 0 and stack.count("channel_identities") == 0


def test_a_resident_who_blocked_the_account_is_never_pushed(stack: Stack) -> None:
    user = stack.resident()
    stack.sim.follow(user)
    stack.sim.unfollow(user)
    pushes_before = stack.sim.stats()["accepted"].get("push", 0)
    with stack.container.uow() as uow:
        uow.outbox.add(OutboxMessage(
            id="01JBLOCKEDNOTICE0000000000", channel="line", recipient=user,
            payload={"messages": messages_to_json([OutgoingMessage(text="お知らせ")])},
            created_at=stack.container.clock().now()))
        uow.commit()

    stack.container.outbox_notifier().wake()

    with stack.container.uow() as uow:
        message = uow.outbox.get("01JBLOCKEDNOTICE0000000000")
        assert message.status is OutboxStatus.FAILED
        assert "blocked" in message.last_error
    assert stack.sim.stats()["accepted"].get("push", 0) == pushes_before


def test_a_message_to_a_following_resident_is_pushed_once_despite_server_errors(
    stack: Stack,
) -> None:
    from adapters.line.simulator.limits import Faults

    user = stack.resident()
    stack.sim.follow(user)
    stack.sim.set_faults(Faults(error_rate=0.5, lost_response_rate=0.3, seed=3))
    with stack.container.uow() as uow:
        for index in range(10):
            uow.outbox.add(OutboxMessage(
                id=f"01JNOTICE{index:017d}", channel="line", recipient=user,
                payload={"messages": messages_to_json([OutgoingMessage(text=f"通知{index}")])},
                created_at=stack.container.clock().now()))
        uow.commit()

    for _ in range(20):  # a message that failed five times in a row waits out a back-off
        stack.container.outbox_notifier().wake()
        with stack.container.uow() as uow:
            waiting = [m for m in uow.queries.messages.pending(100)]
            if not waiting:
                break
            for message in waiting:
                message.next_attempt_at = None  # the back-off, cut short for the test
            uow.commit()

    texts = [t for t in stack.texts(user) if t.startswith("通知")]
    assert sorted(texts) == sorted(f"通知{i}" for i in range(10))
    assert stack.sim.stats()["duplicate_deliveries"] == 0


def test_a_signed_body_that_is_not_a_webhook_is_refused_clearly(stack: Stack) -> None:
    body = b"{not json"
    secret = stack.container.config.line_channel_secret().encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    client = create_app(stack.container).test_client()

    response = client.post("/line/webhook", data=body,
                           headers={"X-Line-Signature": signature,
                                    "Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json["error"]["message"] == "Webhookの本文を読み取れません。"
    assert stack.count("inbox") == 0


def _deeply_nested(depth: int) -> bytes:
    return b'{"destination": "U0", "events": [' + b"[" * depth + b"]" * depth + b"]}"


@pytest.mark.parametrize("body", [
    *(json.dumps({"destination": "U0", "events": [{
        "type": "follow", "mode": "active", "timestamp": timestamp, "webhookEventId": "01JODD",
        "source": {"type": "user", "userId": "U" + "a" * 32}, "replyToken": "r",
        "deliveryContext": {"isRedelivery": False}, "follow": {"isUnblocked": False}}]}).encode()
      for timestamp in (1e20, -1e15, 10**20)),
    _deeply_nested(50_000),
], ids=["timestamp-1e20", "timestamp-minus-1e15", "timestamp-int-10e20", "nested-50000-deep"])
def test_a_signed_but_odd_webhook_body_is_refused_with_400_and_logged_once(
        stack: Stack, body: bytes, caplog: pytest.LogCaptureFixture) -> None:
    secret = stack.container.config.line_channel_secret().encode()
    signature = base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()
    client = create_app(stack.container).test_client()

    with caplog.at_level("WARNING"):
        response = client.post("/line/webhook", data=body,
                               headers={"X-Line-Signature": signature,
                                        "Content-Type": "application/json"})

    assert response.status_code == 400
    assert response.json["error"]["message"] == "Webhookの本文を読み取れません。"
    assert [r.levelname for r in caplog.records if "webhook" in r.name] == ["WARNING"]
    assert stack.count("inbox") == 0 and stack.count("channel_identities") == 0
