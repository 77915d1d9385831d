"""The local LINE platform, driven through the real line-bot-sdk as Madoguchi drives LINE: the
Messaging API's answers (validation, retry keys, rate limits, faults, reply tokens) and the
signed webhooks a simulated resident's actions send."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    ConfirmTemplate,
    MessagingApi,
    MessagingApiBlob,
    MulticastRequest,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TemplateMessage,
    TextMessage,
)
from linebot.v3.webhooks import (
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
)

from adapters.line.simulator import LineSimulator, running_simulator
from adapters.line.webhook import LineWebhookParser
from application.channels.inbound import InboundKind
from tests.support._serving import EndsItsRequests

pytestmark = pytest.mark.integration

SECRET = "simulator-test-channel-secret"
TOKEN = "simulator-test-access-token"
ULID = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


class _ReceiverServer(EndsItsRequests, ThreadingHTTPServer):
    request_thread_name = "webhook-receiver-request"


class Receiver:
    """Madoguchi's webhook endpoint, reduced to recording what arrives (HTTP/1.1: the
    simulator keeps its connection open between webhooks)."""

    def __init__(self) -> None:
        self.received: list[tuple[str, str]] = []  # (raw body, X-Line-Signature)
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                receiver.received.append((body, self.headers.get("X-Line-Signature", "")))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"OK")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _ReceiverServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/line/webhook"

    def events(self, secret: str = SECRET) -> list[Any]:
        return [event for body, signature in self.received
                for event in WebhookParser(secret).parse(body, signature)]

    def last_payload(self) -> dict[str, Any]:
        return json.loads(self.received[-1][0])


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="webhook-receiver", daemon=True)
    thread.start()
    yield receiver
    receiver.server.stop()  # and the connections the simulator keeps open
    thread.join(timeout=5)


@pytest.fixture
def start(receiver: Receiver) -> Iterator[Callable[..., LineSimulator]]:
    with ExitStack() as stack:
        def start(**options: Any) -> LineSimulator:
            return stack.enter_context(running_simulator(SECRET, TOKEN, receiver.url, **options))
        yield start


@pytest.fixture
def sim(start: Callable[..., LineSimulator]) -> LineSimulator:
    return start()


def messaging(sim: LineSimulator, token: str = TOKEN) -> MessagingApi:
    configuration = Configuration(host=sim.base_url, access_token=token)
    configuration.retries = False
    return MessagingApi(ApiClient(configuration))


def admin(sim: LineSimulator, method: str, path: str,
          body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{sim.base_url}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def friend(sim: LineSimulator, name: str = "試験 花子") -> str:
    user = sim.add_user(name)
    sim.follow(user.user_id)
    return user.user_id


def received_texts(sim: LineSimulator, user_id: str) -> list[str]:
    status, body = admin(sim, "GET", f"/_sim/messages?user={user_id}")
    assert status == 200
    return [entry["message"]["text"] for entry in body["messages"]]


def refused(call: Callable[[], object]) -> ApiException:
    with pytest.raises(ApiException) as caught:
        call()
    return caught.value


def error_json(error: ApiException) -> dict[str, Any]:
    return json.loads(error.body)


def push(sim: LineSimulator, to: str, *texts: str, key: str | None = None) -> Any:
    request = PushMessageRequest(to=to, messages=[TextMessage(text=text) for text in texts])
    return messaging(sim).push_message_with_http_info(request, x_line_retry_key=key)


# the Messaging API


def test_a_push_is_delivered_and_recorded_with_its_request_id_and_retry_key(
        sim: LineSimulator) -> None:
    user_id, key = friend(sim), str(uuid.uuid4())

    response = push(sim, user_id, "給付金のお知らせです", key=key)

    request_id = response.headers["x-line-request-id"]
    assert response.status_code == 200 and len(response.data.sent_messages) == 1
    _, body = admin(sim, "GET", f"/_sim/messages?user={user_id}")
    [delivered] = body["messages"]
    assert delivered["message"] == {"type": "text", "text": "給付金のお知らせです"}
    assert (delivered["requestId"], delivered["retryKey"], delivered["endpoint"]) == (
        request_id, key, "push")
    assert delivered["messageId"] == response.data.sent_messages[0].id
    assert sim.stats()["accepted"]["push"] == 1


def test_a_repeated_retry_key_answers_409_and_delivers_nothing_again(sim: LineSimulator) -> None:
    user_id, key = friend(sim), str(uuid.uuid4())
    first = push(sim, user_id, "一度だけ", key=key)

    error = refused(lambda: push(sim, user_id, "一度だけ", key=key))

    assert error.status == 409
    assert error.headers["x-line-accepted-request-id"] == first.headers["x-line-request-id"]
    assert error_json(error)["message"] == "The retry key is already accepted"
    assert error_json(error)["sentMessages"][0]["id"] == first.data.sent_messages[0].id
    assert received_texts(sim, user_id) == ["一度だけ"]
    _, stats = admin(sim, "GET", "/_sim/stats")
    assert (stats["conflicts_409"], stats["duplicate_deliveries"]) == (1, 0)


def test_concurrent_requests_with_one_retry_key_deliver_exactly_once(sim: LineSimulator) -> None:
    user_id, key = friend(sim), str(uuid.uuid4())
    statuses: list[int] = []

    def send() -> None:
        try:
            push(sim, user_id, "同時送信", key=key)
            statuses.append(200)
        except ApiException as error:
            statuses.append(error.status)

    threads = [threading.Thread(target=send) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200] + [409] * 11
    assert received_texts(sim, user_id) == ["同時送信"]


def test_a_retry_key_that_is_not_a_uuid_is_refused(sim: LineSimulator) -> None:
    user_id = friend(sim)

    error = refused(lambda: push(sim, user_id, "こんにちは", key="outbox-42"))

    assert error.status == 400
    assert received_texts(sim, user_id) == []


def test_six_messages_in_one_request_are_refused(sim: LineSimulator) -> None:
    user_id = friend(sim)
    request = PushMessageRequest.construct(  # the SDK itself would refuse to build it
        to=user_id, messages=[TextMessage(text=f"{n}") for n in range(6)])

    error = refused(lambda: messaging(sim).push_message(request))

    assert error.status == 400
    assert error_json(error) == {
        "message": "The request body has 1 error(s)",
        "details": [{"message": "Size must be between 1 and 5", "property": "messages"}]}
    assert received_texts(sim, user_id) == []


def test_postback_data_of_301_characters_is_refused(sim: LineSimulator) -> None:
    user_id = friend(sim)
    too_long = PostbackAction.construct(type="postback", label="はい", data="x" * 301,
                                        display_text="はい")
    confirm = TemplateMessage(alt_text="確認", template=ConfirmTemplate(
        text="振り込みますか?", actions=[too_long, PostbackAction(label="いいえ", data="no")]))

    error = refused(lambda: messaging(sim).push_message(
        PushMessageRequest(to=user_id, messages=[confirm])))

    assert error.status == 400
    assert error_json(error)["details"] == [{
        "message": "Length must be between 0 and 300",
        "property": "messages[0].template.actions[0].data"}]


def test_a_confirm_template_needs_exactly_two_actions(sim: LineSimulator) -> None:
    user_id = friend(sim)
    actions = [PostbackAction(label=label, data=label) for label in ("はい", "いいえ", "保留")]
    confirm = TemplateMessage(alt_text="確認", template=ConfirmTemplate(text="?", actions=actions))

    error = refused(lambda: messaging(sim).push_message(
        PushMessageRequest(to=user_id, messages=[confirm])))

    assert error.status == 400
    assert error_json(error)["details"][0]["property"] == "messages[0].template.actions"


def test_fourteen_quick_reply_items_are_refused(sim: LineSimulator) -> None:
    user_id = friend(sim)
    items = [QuickReplyItem(action=PostbackAction(label=f"{n}", data=f"{n}", display_text=f"{n}"))
             for n in range(14)]
    message = TextMessage(text="選んでください", quick_reply=QuickReply.construct(items=items))

    error = refused(lambda: messaging(sim).push_message(
        PushMessageRequest(to=user_id, messages=[message])))

    assert error.status == 400
    assert error_json(error)["details"] == [{"message": "Size must be between 1 and 13",
                                             "property": "messages[0].quickReply.items"}]


def test_a_multicast_to_501_users_is_refused(sim: LineSimulator) -> None:
    to = ["U" + uuid.uuid4().hex for _ in range(501)]
    request = MulticastRequest.construct(to=to, messages=[TextMessage(text="お知らせ")])

    error = refused(lambda: messaging(sim).multicast(request))

    assert error.status == 400
    assert error_json(error)["details"][0]["property"] == "to"
    assert sim.stats()["accepted"]["multicast"] == 0


def test_a_multicast_delivers_to_friends_and_records_the_others_as_not_delivered(
        sim: LineSimulator) -> None:
    friends = [friend(sim, f"住民{n}") for n in range(3)]
    stranger = sim.add_user("未登録 太郎").user_id
    key = str(uuid.uuid4())

    messaging(sim).multicast(MulticastRequest(to=[*friends, stranger],
                                              messages=[TextMessage(text="回覧板")]),
                             x_line_retry_key=key)
    error = refused(lambda: messaging(sim).multicast(
        MulticastRequest(to=friends, messages=[TextMessage(text="回覧板")]), x_line_retry_key=key))

    assert error.status == 409
    assert all(received_texts(sim, user_id) == ["回覧板"] for user_id in friends)
    assert received_texts(sim, stranger) == []
    assert (sim.stats()["delivered_messages"], sim.stats()["undelivered_messages"]) == (3, 1)


def test_a_push_to_an_unknown_user_is_refused(sim: LineSimulator) -> None:
    error = refused(lambda: push(sim, "U" + "0" * 32, "どなたですか"))

    assert error.status == 400
    assert error_json(error) == {"message": "The property, 'to', in the request body is invalid"}


def test_a_wrong_access_token_is_refused_with_401(sim: LineSimulator) -> None:
    user_id = friend(sim)
    request = PushMessageRequest(to=user_id, messages=[TextMessage(text="なりすまし")])

    error = refused(lambda: messaging(sim, token="not-the-token").push_message(request))

    assert error.status == 401
    assert received_texts(sim, user_id) == []


def test_past_the_rate_limit_requests_answer_429_without_retry_after(
        start: Callable[..., LineSimulator]) -> None:
    sim = start(push_rate=3)
    user_id = friend(sim)
    for n in range(3):
        push(sim, user_id, f"{n}")

    error = refused(lambda: push(sim, user_id, "多すぎ"))

    assert error.status == 429
    assert "Retry-After" not in error.headers
    assert error_json(error) == {
        "message": "The API rate limit has been exceeded. Try again later."}
    assert received_texts(sim, user_id) == ["0", "1", "2"]
    assert sim.stats()["rate_limited_429"] == 1


def test_an_injected_500_delivers_nothing_so_the_retry_with_the_same_key_delivers_once(
        sim: LineSimulator) -> None:
    user_id, key = friend(sim), str(uuid.uuid4())
    assert admin(sim, "POST", "/_sim/faults", {"error_rate": 1.0, "status": 500, "seed": 1})[0] \
        == 200

    error = refused(lambda: push(sim, user_id, "再送", key=key))
    assert error.status == 500
    assert received_texts(sim, user_id) == []

    admin(sim, "POST", "/_sim/faults", {"error_rate": 0.0})
    push(sim, user_id, "再送", key=key)
    assert received_texts(sim, user_id) == ["再送"]
    assert sim.stats()["injected_500"] == {"before_recording": 1, "after_recording": 0}


def test_a_lost_answer_is_recorded_so_the_retry_gets_409(
        start: Callable[..., LineSimulator]) -> None:
    sim = start(lost_response_rate=1.0, seed=7)
    user_id, key = friend(sim), str(uuid.uuid4())

    assert refused(lambda: push(sim, user_id, "届いている", key=key)).status == 500
    admin(sim, "POST", "/_sim/faults", {"lost_response_rate": 0.0})
    retry = refused(lambda: push(sim, user_id, "届いている", key=key))

    assert retry.status == 409
    assert received_texts(sim, user_id) == ["届いている"]
    assert sim.stats()["duplicate_deliveries"] == 0


def test_a_reply_token_answers_once(sim: LineSimulator, receiver: Receiver) -> None:
    user_id = friend(sim)
    sim.send_text(user_id, "住民票の写しがほしい")
    [token] = [event.reply_token for event in receiver.events() if isinstance(event, MessageEvent)]
    request = ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="承りました")])

    messaging(sim).reply_message(request)
    again = refused(lambda: messaging(sim).reply_message(request))

    assert again.status == 400
    assert error_json(again) == {"message": "Invalid reply token"}
    assert received_texts(sim, user_id) == ["承りました"]


def test_a_reply_token_expires(start: Callable[..., LineSimulator], receiver: Receiver) -> None:
    sim = start(reply_token_ttl=0.2)
    token = sim.follow(sim.add_user("遅い 返信").user_id).reply_token
    time.sleep(0.3)

    error = refused(lambda: messaging(sim).reply_message(
        ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="遅すぎ")])))

    assert error.status == 400 and error_json(error) == {"message": "Invalid reply token"}


def test_a_reply_with_a_retry_key_is_refused(sim: LineSimulator) -> None:
    token = sim.follow(sim.add_user("鍵 付き").user_id).reply_token
    request = ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="返信")])

    error = refused(lambda: messaging(sim).reply_message(
        request, _headers={"X-Line-Retry-Key": str(uuid.uuid4())}))

    assert error.status == 400


def test_the_profile_of_a_friend_is_served_and_of_anyone_else_is_404(sim: LineSimulator) -> None:
    user_id = friend(sim, "窓口 花子")
    stranger = sim.add_user("知らない 人").user_id

    profile = messaging(sim).get_profile(user_id)
    error = refused(lambda: messaging(sim).get_profile(stranger))

    assert (profile.user_id, profile.display_name, profile.language) == (user_id, "窓口 花子", "ja")
    assert error.status == 404 and error_json(error) == {"message": "Not found"}


def test_a_push_to_a_user_who_blocked_the_account_is_accepted_but_not_delivered(
        sim: LineSimulator) -> None:
    user_id = friend(sim)
    sim.unfollow(user_id)

    response = push(sim, user_id, "届かない")

    assert response.status_code == 200
    _, body = admin(sim, "GET", f"/_sim/messages?user={user_id}")
    assert body["messages"] == []
    assert [entry["delivered"] for entry in body["undelivered"]] == [False]
    assert sim.stats()["undelivered_messages"] == 1


def test_a_reset_forgets_messages_and_retry_keys_but_keeps_the_residents(
        sim: LineSimulator) -> None:
    user_id, key = friend(sim), str(uuid.uuid4())
    push(sim, user_id, "前回", key=key)

    assert admin(sim, "POST", "/_sim/reset")[0] == 200
    push(sim, user_id, "今回", key=key)

    assert received_texts(sim, user_id) == ["今回"]
    assert sim.stats()["accepted"]["push"] == 1


def test_the_same_platform_is_served_by_waitress_when_it_is_installed(
        start: Callable[..., LineSimulator]) -> None:
    pytest.importorskip("waitress")
    sim = start(server="waitress")
    user_id, key = friend(sim), str(uuid.uuid4())

    push(sim, user_id, "waitress", key=key)
    conflict = refused(lambda: push(sim, user_id, "waitress", key=key))

    assert conflict.status == 409
    assert received_texts(sim, user_id) == ["waitress"]


# simulated residents and their webhooks


def test_webhooks_are_signed_with_the_channel_secret_and_carry_unique_event_ids(
        sim: LineSimulator, receiver: Receiver) -> None:
    user_id = sim.add_user("署名 確認").user_id
    answers = [
        admin(sim, "POST", f"/_sim/users/{user_id}/follow"),
        admin(sim, "POST", f"/_sim/users/{user_id}/text", {"text": "こんにちは"}),
        admin(sim, "POST", f"/_sim/users/{user_id}/postback", {"data": "consent=yes"}),
    ]
    photo = urllib.request.Request(f"{sim.base_url}/_sim/users/{user_id}/image", method="POST",
                                   data=b"\xff\xd8\xff\xe0fake-jpeg",
                                   headers={"Content-Type": "image/jpeg"})
    with urllib.request.urlopen(photo, timeout=10) as response:
        answers.append((response.status, json.loads(response.read())))
    admin(sim, "POST", f"/_sim/users/{user_id}/unfollow")

    events = receiver.events()

    assert [(status, body["status"]) for status, body in answers] == [(200, 200)] * 4
    assert [type(event) for event in events] == [FollowEvent, MessageEvent, PostbackEvent,
                                                MessageEvent, UnfollowEvent]
    assert events[0].follow.is_unblocked is False
    assert isinstance(events[1].message, TextMessageContent)
    assert events[1].message.text == "こんにちは"
    assert events[2].postback.data == "consent=yes"
    assert isinstance(events[3].message, ImageMessageContent)
    assert all(event.source.user_id == user_id for event in events)
    ids = [event.webhook_event_id for event in events]
    assert len(set(ids)) == 5 and all(ULID.fullmatch(event_id) for event_id in ids)
    assert [body["webhookEventId"] for _, body in answers] == ids[:4]
    assert receiver.last_payload()["destination"] == sim.bot_user_id
    with pytest.raises(InvalidSignatureError):
        receiver.events(secret="another-channel-secret")


def test_a_place_the_resident_sends_is_a_location_message_the_parser_reads(
        sim: LineSimulator, receiver: Receiver) -> None:
    user_id = friend(sim)

    status, body = admin(sim, "POST", f"/_sim/users/{user_id}/location",
                         {"latitude": 36.204824, "longitude": 138.252924,
                          "address": "本町1丁目 役場前"})
    refused = admin(sim, "POST", f"/_sim/users/{user_id}/location", {"latitude": "北"})

    assert (status, body["status"]) == (200, 200)
    assert refused[0] == 400 and "latitude" in refused[1]["message"]
    [event] = [event for event in receiver.events() if isinstance(event, MessageEvent)]
    assert isinstance(event.message, LocationMessageContent)
    raw, signature = receiver.received[-1]
    [inbound] = LineWebhookParser(SECRET).parse(raw, signature)
    assert inbound.kind is InboundKind.LOCATION
    assert (inbound.latitude, inbound.longitude, inbound.text) == (
        36.204824, 138.252924, "本町1丁目 役場前")
    sent = admin(sim, "GET", f"/_sim/messages?user={user_id}")[1]["sent"]
    assert sent[-1]["type"] == "location"
    assert sent[-1]["text"] == "📍 本町1丁目 役場前（36.204824, 138.252924）"  # the phone shows


def test_a_photo_the_resident_sent_is_served_as_message_content(
        sim: LineSimulator, receiver: Receiver) -> None:
    user_id = friend(sim)
    sim.send_image(user_id, b"\x89PNG\r\n\x1a\nfake-png")
    [event] = [event for event in receiver.events() if isinstance(event, MessageEvent)]
    configuration = Configuration(host=sim.base_url, access_token=TOKEN)

    content = MessagingApiBlob(ApiClient(configuration)).get_message_content(event.message.id)

    assert bytes(content) == b"\x89PNG\r\n\x1a\nfake-png"


def test_adding_the_account_again_after_a_block_is_an_unblock(
        sim: LineSimulator, receiver: Receiver) -> None:
    user_id = friend(sim)
    sim.unfollow(user_id)

    sim.follow(user_id)

    follows = [event for event in receiver.events() if isinstance(event, FollowEvent)]
    assert [event.follow.is_unblocked for event in follows] == [False, True]


def test_a_redelivered_event_keeps_its_id_and_is_marked_as_a_redelivery(
        sim: LineSimulator, receiver: Receiver) -> None:
    user_id = friend(sim)
    first = sim.postback(user_id, "apply=70000", "はい")

    status, body = admin(sim, "POST", "/_sim/redeliver", {"webhookEventId": first.webhook_event_id})

    original, again = [event for event in receiver.events() if isinstance(event, PostbackEvent)]
    assert (status, body["status"]) == (200, 200)
    assert original.webhook_event_id == again.webhook_event_id == first.webhook_event_id
    assert (original.delivery_context.is_redelivery, again.delivery_context.is_redelivery) == (
        False, True)


def test_a_user_who_is_not_a_friend_cannot_send_messages(sim: LineSimulator) -> None:
    user_id = sim.add_user("未追加 次郎").user_id

    status, body = admin(sim, "POST", f"/_sim/users/{user_id}/text", {"text": "もしもし"})

    assert status == 409 and "友だち追加" in body["message"]


def test_users_added_through_the_admin_endpoint_have_line_shaped_ids(sim: LineSimulator) -> None:
    status, user = admin(sim, "POST", "/_sim/users", {"displayName": "新規 三郎"})

    assert status == 201
    assert re.fullmatch(r"U[0-9a-f]{32}", user["userId"])
    assert user["displayName"] == "新規 三郎" and user["following"] is False


def test_the_phone_page_renders_in_japanese(sim: LineSimulator) -> None:
    with urllib.request.urlopen(f"{sim.base_url}/", timeout=10) as response:
        page = response.read().decode()
    with urllib.request.urlopen(f"{sim.base_url}/_sim/static/phone.js", timeout=10) as response:
        script_status = response.status

    assert "シミュレーター" in page and "友だち追加" in page and "ブロック" in page
    assert script_status == 200
    assert "https://" not in page  # nothing loaded from elsewhere
