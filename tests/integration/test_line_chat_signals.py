"""LINE's loading dots and read marks (ADR 0051), through the real SDK against the simulator:
the simulator checks them as LINE does, and the adapter never makes its caller wait."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MarkMessagesAsReadByTokenRequest,
    MessagingApi,
    ShowLoadingAnimationRequest,
)

from adapters.line.chat_signals import LineChatSignals
from adapters.line.simulator import LineSimulator, running_simulator
from adapters.line.webhook import LineWebhookParser
from application.channels.acknowledging import Acknowledging
from application.channels.inbound import InboundEvent, InboundKind
from tests.support._serving import EndsItsRequests

pytestmark = pytest.mark.integration

SECRET = "signals-test-channel-secret"
TOKEN = "signals-test-access-token"


class Inline(Executor):
    """Runs what is submitted at once, so a test sees its effect on return."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class _Server(EndsItsRequests, ThreadingHTTPServer):
    request_thread_name = "signals-receiver-request"


class Receiver:
    """The town's webhook, reduced to keeping the bodies that arrive."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, str]] = []
        bodies = self.bodies

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                bodies.append((body, self.headers.get("X-Line-Signature", "")))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/line/webhook"

    def events(self) -> list[InboundEvent]:
        parser = LineWebhookParser(SECRET)
        return [event for body, signature in self.bodies
                for event in parser.parse(body, signature)]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    yield receiver
    receiver.server.stop()
    thread.join(timeout=5)


@pytest.fixture
def sim(receiver: Receiver) -> Iterator[LineSimulator]:
    with running_simulator(SECRET, TOKEN, receiver.url) as sim:
        yield sim


def signals(sim: LineSimulator) -> LineChatSignals:
    return LineChatSignals(access_token=TOKEN, base_url=sim.base_url or "", executor=Inline())


def api(sim: LineSimulator) -> MessagingApi:
    configuration = Configuration(host=sim.base_url, access_token=TOKEN)
    configuration.retries = False
    return MessagingApi(ApiClient(configuration))


def friend(sim: LineSimulator) -> str:
    user = sim.add_user("試験 花子")
    sim.follow(user.user_id)
    return user.user_id


def test_the_loading_animation_starts_in_the_residents_chat(sim: LineSimulator) -> None:
    user = friend(sim)

    signals(sim).show_working(user)

    [shown] = sim.chat_marks.loading(user)
    assert shown.seconds == 20
    assert sim.conversation(user)["loadingUntil"] == pytest.approx(shown.at + 20)


@pytest.mark.parametrize("chat_id, seconds", [
    ("C" + "0" * 32, 5),  # a group: LINE shows loading dots only in one-to-one chats
    ("U" + "f" * 32, 5),  # nobody the platform knows
    (None, 7),  # the user is checked later: any one would do
])
def test_the_loading_animation_is_refused_outside_a_users_chat_or_off_the_5_second_steps(
        sim: LineSimulator, chat_id: str | None, seconds: int) -> None:
    request = {"chatId": chat_id or friend(sim), "loadingSeconds": seconds}

    with pytest.raises(ApiException) as refused:
        api(sim).show_loading_animation(ShowLoadingAnimationRequest.from_dict(request))

    assert refused.value.status == 400
    assert sim.chat_marks.loading() == []


def test_a_message_marked_read_with_its_token_shows_as_read(
        sim: LineSimulator, receiver: Receiver) -> None:
    user = friend(sim)
    sent = sim.send_text(user, "こんにちは")
    [event] = [e for e in receiver.events() if e.external_id == sent.webhook_event_id]
    assert event.read_token

    signals(sim).mark_read(event.read_token)

    assert sim.conversation(user)["read"] == [sent.webhook_event_id]


def test_a_read_token_the_platform_did_not_issue_is_refused(sim: LineSimulator) -> None:
    with pytest.raises(ApiException) as refused:
        api(sim).mark_messages_as_read_by_token(
            MarkMessagesAsReadByTokenRequest(mark_as_read_token="not-one-of-ours"))

    assert refused.value.status == 400
    assert json.loads(refused.value.body)["message"] == "Invalid markAsReadToken"


def test_a_follow_carries_no_read_token(sim: LineSimulator, receiver: Receiver) -> None:
    friend(sim)

    assert [event.read_token for event in receiver.events()] == [None]


def test_the_signs_return_at_once_when_line_does_not_answer() -> None:
    with socket.socket() as silent:  # takes the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        slow = LineChatSignals(access_token=TOKEN,
                               base_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
                               timeout=(0.5, 0.5))
        started = time.perf_counter()
        slow.show_working("U" + "0" * 32)
        slow.mark_read("token")
        returned = time.perf_counter() - started
        slow.stop()  # both time out in the background, quietly

    assert returned < 0.05


def test_a_failed_loading_animation_does_not_fail_the_event(sim: LineSimulator) -> None:
    failing = LineChatSignals(access_token="wrong-token", base_url=sim.base_url or "",
                              executor=Inline())  # the platform answers 401
    event = InboundEvent(channel="line", external_id="e1", address=friend(sim),
                         kind=InboundKind.TEXT, occurred_at=dt.datetime.now(dt.UTC),
                         text="こんにちは", read_token="t")

    Acknowledging(failing, mark_read=True).received(event)  # nothing raised
    Acknowledging(failing, mark_read=True).handled(event)

    assert sim.chat_marks.loading() == []


@contextlib.contextmanager
def platform(*, delay: float = 0.0, close_after_answer: bool = False,
             ) -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """A stand-in for LINE's chat endpoints: its address, and the (Authorization, chatId) of
    each request once answered; `delay` before each answer; `close_after_answer`: the
    connection closed after each, without saying so ("Connection: close")."""
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            time.sleep(delay)
            seen.append((self.headers["Authorization"], body["chatId"]))
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            self.close_connection = close_after_answer

        def log_message(self, *args: Any) -> None:
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.stop()
        thread.join(timeout=5)


def test_a_kept_connection_the_platform_closed_is_opened_again_for_the_next_sign() -> None:
    """The signs keep their connection open between requests (ADR 0079); a platform (or a
    proxy) that closed it meanwhile, without saying so, costs no sign."""
    with platform(close_after_answer=True) as (url, seen):
        signals = LineChatSignals(access_token=TOKEN, base_url=url, executor=Inline())
        try:
            signals.show_working("U" + "1" * 32)
            time.sleep(0.2)  # the server has closed its end by now
            signals.show_working("U" + "2" * 32)
        finally:
            signals.stop()

    assert seen == [(f"Bearer {TOKEN}", "U" + "1" * 32), (f"Bearer {TOKEN}", "U" + "2" * 32)]


def test_a_message_to_the_chat_waits_for_its_dots_to_have_gone_first() -> None:
    """Dots that reached LINE after the reply would show after it (ADR 0079): `settle` waits
    for the dots asked for that chat, and for no other chat's."""
    resident, other = "U" + "3" * 32, "U" + "4" * 32
    with platform(delay=0.3) as (url, seen):  # a slow platform
        signals = LineChatSignals(access_token=TOKEN, base_url=url)
        try:
            signals.show_working(resident)
            started = time.perf_counter()
            signals.settle(other)  # nothing asked for that chat: at once
            quick = time.perf_counter() - started
            signals.settle(resident)
            settled = [chat for _, chat in seen]
        finally:
            signals.stop()

    assert quick < 0.1
    assert settled == [resident]
