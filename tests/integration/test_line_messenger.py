"""The LINE adapter's delivery policy, through the real SDK, against the simulator (and a
server that never answers, for timeouts)."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator

import pytest

from adapters.line.messenger import LineMessenger, retry_key_for
from adapters.line.pacing import AdaptivePacer
from adapters.line.simulator.limits import Faults
from adapters.line.simulator.running import running_simulator
from application.ports.messaging import DeliveryOutcome, OutgoingMessage

pytestmark = pytest.mark.integration

SECRET, TOKEN = "test-secret", "test-token"
HELLO = [OutgoingMessage(text="こんにちは")]


@pytest.fixture
def sim() -> Iterator:  # type: ignore[type-arg]
    with running_simulator(SECRET, TOKEN, None, users=1200, push_rate=1000,
                           multicast_rate=1000) as simulator:
        yield simulator


def _messenger(base_url: str, **options: object) -> LineMessenger:
    naps: list[float] = []
    messenger = LineMessenger(access_token=TOKEN, base_url=base_url, backoff=0.01,
                              sleep=naps.append, **options)  # type: ignore[arg-type]
    messenger.naps = naps  # type: ignore[attr-defined]
    return messenger


def test_a_push_is_delivered_with_a_retry_key_derived_from_the_idempotency_key(sim) -> None:  # type: ignore[no-untyped-def]
    user = sim.bulk_user_ids[0]

    result = _messenger(sim.base_url).send(user, HELLO, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    [delivery] = sim.deliveries()
    assert delivery.retry_key == retry_key_for("outbox-1")


def test_sending_the_same_message_again_is_accepted_once(sim) -> None:  # type: ignore[no-untyped-def]
    user = sim.bulk_user_ids[0]
    messenger = _messenger(sim.base_url)

    first = messenger.send(user, HELLO, idempotency_key="outbox-1")
    again = messenger.send(user, HELLO, idempotency_key="outbox-1")

    assert (first.outcome, again.outcome) == (DeliveryOutcome.DELIVERED,
                                              DeliveryOutcome.DELIVERED)
    assert again.detail == "already accepted"
    assert len(sim.received(user)) == 1


def test_a_client_error_is_final_and_not_retried(sim) -> None:  # type: ignore[no-untyped-def]
    messenger = _messenger(sim.base_url)

    result = messenger.send("U" + "0" * 32, HELLO, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.REJECTED
    assert result.detail.startswith("400")
    assert sim.stats()["rejected_400"] == 1
    assert messenger.naps == []  # type: ignore[attr-defined]


def test_server_errors_are_retried_with_back_off_then_left_for_later(sim) -> None:  # type: ignore[no-untyped-def]
    sim.set_faults(Faults(error_rate=1.0, seed=1))
    messenger = _messenger(sim.base_url, max_attempts=4)

    result = messenger.send(sim.bulk_user_ids[0], HELLO, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.RETRY_LATER
    assert sim.stats()["injected_500"]["before_recording"] == 4
    backoffs = [nap for nap in messenger.naps if nap >= 0.01]  # type: ignore[attr-defined]
    assert backoffs == [0.01, 0.02, 0.04]  # (the pacer may also nap microseconds between sends)


def test_a_lost_answer_is_retried_and_the_repeat_counts_as_delivered(sim) -> None:  # type: ignore[no-untyped-def]
    sim.set_faults(Faults(lost_response_rate=1.0, seed=1))
    messenger = _messenger(sim.base_url)
    user = sim.bulk_user_ids[0]

    result = messenger.send(user, HELLO, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    assert len(sim.received(user)) == 1
    assert sim.stats()["duplicate_deliveries"] == 0


def test_a_rate_limited_push_slows_the_sender_and_is_retried() -> None:
    with running_simulator(SECRET, TOKEN, None, users=3, push_rate=1) as limited:
        messenger = _messenger(limited.base_url, max_attempts=3)
        users = limited.bulk_user_ids
        messenger.send(users[0], HELLO, idempotency_key="a")
        rate_before = messenger.pacer.rate

        result = messenger.send(users[1], HELLO, idempotency_key="b")

        assert limited.stats()["rate_limited_429"] >= 1
        assert messenger.pacer.rate < rate_before
        assert result.outcome in (DeliveryOutcome.DELIVERED, DeliveryOutcome.RETRY_LATER)


def test_a_timeout_is_retried_then_left_for_later() -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])  # and never answer
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        messenger = _messenger(f"http://127.0.0.1:{listener.getsockname()[1]}",
                               max_attempts=2, timeout=(0.5, 0.2))
        result = messenger.send("U" + "1" * 32, HELLO, idempotency_key="outbox-1")
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()

    assert result.outcome is DeliveryOutcome.RETRY_LATER
    assert result.detail.startswith("transport")


def test_a_reply_lost_in_transport_is_a_warning_that_names_the_outbox_message(
        caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as closed:  # nothing listens on this port once it is closed
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    messenger = _messenger(f"http://127.0.0.1:{port}", max_attempts=1)
    recipient = "U" + "7" * 32

    result = messenger.send(recipient, HELLO, idempotency_key="outbox-7", reply_token="token")

    assert result.outcome is DeliveryOutcome.RETRY_LATER
    [warning] = [r.getMessage() for r in caplog.records
                 if r.name == "adapters.line.messenger" and r.levelno == logging.WARNING]
    assert "outbox-7" in warning and recipient not in warning and "こんにちは" not in warning


def test_a_fresh_reply_token_is_used_and_a_bad_one_falls_back_to_a_push(sim) -> None:  # type: ignore[no-untyped-def]
    user = sim.add_user("返信 太郎", following=True).user_id
    token = sim.postback(user, "menu").reply_token  # no webhook URL: the token is still issued
    messenger = _messenger(sim.base_url)

    replied = messenger.send(user, HELLO, idempotency_key="o1", reply_token=token)
    pushed = messenger.send(user, HELLO, idempotency_key="o2", reply_token=token)  # used up

    assert (replied.detail, pushed.outcome) == ("reply", DeliveryOutcome.DELIVERED)
    assert [d.endpoint for d in sim.deliveries()] == ["reply", "push"]


def test_a_retaken_reply_whose_token_was_spent_is_delivered_once_not_pushed(sim) -> None:  # type: ignore[no-untyped-def]
    user = sim.add_user("返信 花子", following=True).user_id
    token = sim.postback(user, "menu").reply_token
    messenger = _messenger(sim.base_url)
    messenger.send(user, HELLO, idempotency_key="o1", reply_token=token)  # then it was killed

    again = messenger.send(user, HELLO, idempotency_key="o1", reply_token=token, retaken=True)

    assert (again.outcome, again.detail) == (DeliveryOutcome.DELIVERED,
                                             "reply (token already spent)")
    assert [d.endpoint for d in sim.deliveries()] == ["reply"]


def test_a_retaken_reply_that_never_arrived_is_replied_now(sim) -> None:  # type: ignore[no-untyped-def]
    user = sim.add_user("返信 次郎", following=True).user_id
    token = sim.postback(user, "menu").reply_token  # killed before it replied

    again = _messenger(sim.base_url).send(user, HELLO, idempotency_key="o1",
                                          reply_token=token, retaken=True)

    assert (again.outcome, again.detail) == (DeliveryOutcome.DELIVERED, "reply")
    assert [d.endpoint for d in sim.deliveries()] == ["reply"]


def test_identical_messages_go_by_multicast_in_chunks_of_500(sim) -> None:  # type: ignore[no-untyped-def]
    users = sim.bulk_user_ids[:1100]
    messenger = _messenger(sim.base_url)

    results = messenger.send_many(users, HELLO, idempotency_key="notice-1")
    again = messenger.send_many(users, HELLO, idempotency_key="notice-1")

    assert [len(chunk) for chunk, _ in results] == [500, 500, 100]
    assert all(r.outcome is DeliveryOutcome.DELIVERED for _, r in results + again)
    assert sim.stats()["accepted"]["multicast"] == 3
    assert sim.stats()["delivered_messages"] == 1100


def test_the_pacer_halves_on_429_and_creeps_back_up() -> None:
    pacer = AdaptivePacer(max_rate=100, min_rate=5, increase=10, clock=lambda: 0.0,
                          sleep=lambda s: None)
    pacer.throttled()
    pacer.throttled()
    assert pacer.rate == 25
    pacer.succeeded()
    assert pacer.rate == 35
    for _ in range(20):
        pacer.throttled()
    assert pacer.rate == 5


def test_a_user_who_blocked_the_account_unheard_is_found_by_the_profile_api(sim) -> None:  # type: ignore[no-untyped-def]
    friend, gone = sim.bulk_user_ids[:2]
    sim.unfollow(gone)  # no webhook here: the town never hears of it
    messenger = _messenger(sim.base_url)

    assert messenger.send(gone, HELLO, idempotency_key="o1").outcome is DeliveryOutcome.DELIVERED
    assert sim.received(gone) == []  # LINE took the push and delivered nothing
    assert (messenger.is_friend(friend), messenger.is_friend(gone)) == (True, False)
