"""The `MessagingChannel` port's promises (application/ports/messaging.py), for any channel: the
built-in ones (LINE, e-mail, SMS, web), their in-memory fakes and a vendor's.

`MessagingChannelContract`, for every channel. Its fixture `harness` returns a
`MessagingHarness`: the channel, three recipients it reaches, one it never will, how many sends
reached a recipient, and the same channel with its provider not answering. A channel that has
no such thing says None, and the promises that need it are skipped with the reason (the web
channel: its resident's page reads the outbox, so nothing is "received" and nothing is down).

The promises: `send` delivers; `send_many` answers for every recipient exactly once, in groups;
a repeat of an accepted idempotency key is harmless (delivered once, under the same provider
reference) where the channel can; an unreachable recipient is a permanent failure (REJECTED or
BLOCKED: never retried), a provider that does not answer is RETRY_LATER; `DeliveryResult.detail`
carries no address and no message text.

`SmsChannelContract`, for a channel that sends SMS (one_by_one, no buttons). Its fixture
`sms_harness` returns an `SmsHarness` whose channel makes its personal links with the suite's
`links` fixture (a `ContractLinks`). The promises: a message's choices go as one personal link;
the same key again sends nothing more; a provider's server error is RETRY_LATER and the retry
sends once; a number that cannot take SMS is final and named nowhere; each recipient of a group
gets their own link.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from attrs import frozen

from application.ports.messaging import (
    Choice,
    DeliveryOutcome,
    DeliveryResult,
    MessageStyle,
    MessagingChannel,
    OutgoingMessage,
)

__all__ = ["ContractLinks", "MessagingChannelContract", "MessagingHarness", "SmsChannelContract",
           "SmsHarness"]

NOTICE = [OutgoingMessage(text="特別給付金のお知らせ（秘密の本文）", alt_text="給付金のお知らせ",
                          choices=(Choice("はい", "apply:yes"), Choice("いいえ", "apply:no")),
                          style=MessageStyle.BUTTONS)]
PERMANENT = {DeliveryOutcome.REJECTED, DeliveryOutcome.BLOCKED}


@frozen
class MessagingHarness:
    channel: MessagingChannel
    addresses: list[str]  # three recipients the channel reaches
    # a recipient it never will (unknown user, mailbox, number); None: the channel has none
    unreachable: str | None
    # how many sends reached this recipient; None: the channel itself delivers nothing (web)
    received: Callable[[str], int] | None
    # the same channel, its provider not answering; None: it has no provider
    unanswered: Callable[[], MessagingChannel] | None
    # the same channel at a provider (host, port) that takes the connection and never answers,
    # its timeout short (≤ 2 s) and one attempt; None: it has no provider to wait for
    silent: Callable[[str, int], MessagingChannel] | None = None


def _clean(result: DeliveryResult, harness: MessagingHarness) -> None:
    for address in [*harness.addresses, harness.unreachable or harness.addresses[0]]:
        assert address not in result.detail
        assert address[3:] not in result.detail  # a number without its country code
    assert "秘密" not in result.detail


def _received(harness: MessagingHarness, recipient: str) -> int | None:
    """None where the channel itself delivers nothing (web: the outbox row is the message)."""
    return None if harness.received is None else harness.received(recipient)


class MessagingChannelContract:
    """Subclass it in a test module and provide the fixture `harness` (a MessagingHarness)."""

    pytestmark = [pytest.mark.contract]

    def test_send_delivers_to_the_recipient(self, harness: MessagingHarness) -> None:
        result = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")

        assert result.outcome is DeliveryOutcome.DELIVERED
        assert _received(harness, harness.addresses[0]) in (1, None)
        _clean(result, harness)

    def test_send_many_answers_for_every_recipient_once_and_delivers_to_each(
            self, harness: MessagingHarness) -> None:
        groups = harness.channel.send_many(harness.addresses, NOTICE, idempotency_key="g-1")

        answered = [recipient for group, _ in groups for recipient in group]
        assert sorted(answered) == sorted(harness.addresses)
        assert all(result.outcome is DeliveryOutcome.DELIVERED for _, result in groups)
        assert [_received(harness, r) for r in harness.addresses] in ([1, 1, 1], [None] * 3)

    def test_a_repeat_of_an_accepted_key_is_delivered_once(
            self, harness: MessagingHarness) -> None:
        first = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")
        # a repeat is always marked retaken by the outbox (its row was tried before)
        again = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1",
                                     retaken=True)
        many = harness.channel.send_many(harness.addresses[:2], NOTICE, idempotency_key="g-1")
        many_again = harness.channel.send_many(harness.addresses[:2], NOTICE,
                                               idempotency_key="g-1")

        assert {first.outcome, again.outcome} == {DeliveryOutcome.DELIVERED}
        # the provider's reference (an SMS's id), where it gives one, is the one its callbacks
        # name
        assert again.provider_ref == first.provider_ref
        assert {r.outcome for _, r in many + many_again} == {DeliveryOutcome.DELIVERED}
        assert _received(harness, harness.addresses[0]) in (2, None)  # k-1 once, g-1 once
        assert _received(harness, harness.addresses[1]) in (1, None)

    def test_an_unreachable_recipient_is_a_permanent_failure_without_personal_data(
            self, harness: MessagingHarness) -> None:
        if harness.unreachable is None:
            pytest.skip("the channel reaches every recipient it is given (web: a web identity "
                        "is reached whenever its resident opens the page)")
        result = harness.channel.send(harness.unreachable, NOTICE, idempotency_key="k-1")

        assert result.outcome in PERMANENT
        _clean(result, harness)

    def test_a_provider_that_does_not_answer_means_try_again_later(
            self, harness: MessagingHarness) -> None:
        if harness.unanswered is None:
            pytest.skip("the channel has no provider (web: the page reads the outbox itself)")
        channel = harness.unanswered()

        result = channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")
        groups = channel.send_many(harness.addresses, NOTICE, idempotency_key="g-1")

        assert result.outcome is DeliveryOutcome.RETRY_LATER
        assert {r.outcome for _, r in groups} == {DeliveryOutcome.RETRY_LATER}
        assert sorted(r for group, _ in groups for r in group) == sorted(harness.addresses)
        _clean(result, harness)

    def test_a_provider_that_takes_the_request_and_never_answers_is_retry_later_in_time(
            self, harness: MessagingHarness) -> None:
        if harness.silent is None:
            pytest.skip("the channel waits for no provider (web, or an in-memory fake)")
        with _silent_provider() as (host, port):
            channel = harness.silent(host, port)
            started = time.monotonic()
            result = channel.send(harness.addresses[0], NOTICE, idempotency_key="k-silent")
            waited = time.monotonic() - started

        assert result.outcome is DeliveryOutcome.RETRY_LATER  # the dispatcher is not held
        assert waited < 10, f"a silent provider held the send {waited:.1f} s"
        _clean(result, harness)

    def test_send_takes_every_keyword_the_dispatcher_passes(
            self, harness: MessagingHarness) -> None:
        result = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-kw",
                                      reply_token=None, retaken=False)

        assert result.outcome is DeliveryOutcome.DELIVERED


# -- SMS ---------------------------------------------------------------------------------------

NUMBER = "+819012345678"
OTHER_NUMBER = "+818011112222"
SMS_NOTICE = [OutgoingMessage("【物価高騰対策給付金】支給額は70,000円です。",
                              choices=(Choice("申請する", "bnf:a1:yes"),
                                       Choice("申請しない", "bnf:a1:no")),
                              style=MessageStyle.BUTTONS)]
LINK_BASE = "https://town.example/r"


class ContractLinks:
    """The LinkMaker an SMS channel under the suite is built with: the same link for the same
    message, as the web channel's are (https://town.example/r/<message id>)."""

    def __init__(self) -> None:
        self.made: list[tuple[str, str, str]] = []

    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        self.made.append((recipient_channel, recipient, message_id))
        return f"{LINK_BASE}/{message_id}"


@frozen
class SmsHarness:
    channel: MessagingChannel  # built with the suite's `links` fixture
    inbox: Callable[[str], list[str]]  # a number (E.164) → the bodies it received
    # n → the provider answers a server error (5xx) to the next n requests; 0: it answers again
    fail_next: Callable[[int], None]


class SmsChannelContract:
    """Subclass it and provide the fixture `sms_harness` (an SmsHarness), building the channel
    with this suite's `links` fixture and at most two tries per `send` (after `fail_next(2)`,
    one `send` must meet only server errors and answer RETRY_LATER)."""

    pytestmark = [pytest.mark.contract]

    @pytest.fixture
    def links(self) -> ContractLinks:
        return ContractLinks()

    def test_a_message_is_delivered_with_its_choices_as_one_personal_link(
            self, sms_harness: SmsHarness) -> None:
        result = sms_harness.channel.send(NUMBER, SMS_NOTICE, idempotency_key="outbox-1")

        assert result.outcome is DeliveryOutcome.DELIVERED
        [body] = sms_harness.inbox(NUMBER)
        assert "70,000円" in body
        assert body.count(f"{LINK_BASE}/outbox-1") == 1

    def test_the_same_key_again_sends_nothing_more(self, sms_harness: SmsHarness) -> None:
        first = sms_harness.channel.send(NUMBER, SMS_NOTICE, idempotency_key="outbox-1")
        # a repeat is always marked retaken by the outbox (its row was tried before)
        again = sms_harness.channel.send(NUMBER, SMS_NOTICE, idempotency_key="outbox-1",
                                         retaken=True)

        assert first.outcome is again.outcome is DeliveryOutcome.DELIVERED
        assert len(sms_harness.inbox(NUMBER)) == 1

    def test_a_server_error_is_left_for_later_and_the_retry_sends_once(
            self, sms_harness: SmsHarness) -> None:
        sms_harness.fail_next(2)
        failed = sms_harness.channel.send(NUMBER, SMS_NOTICE, idempotency_key="outbox-1")
        sms_harness.fail_next(0)
        retried = sms_harness.channel.send(NUMBER, SMS_NOTICE, idempotency_key="outbox-1",
                                           retaken=True)
        again = sms_harness.channel.send(NUMBER, SMS_NOTICE, idempotency_key="outbox-1",
                                         retaken=True)

        assert failed.outcome is DeliveryOutcome.RETRY_LATER
        assert retried.outcome is again.outcome is DeliveryOutcome.DELIVERED
        assert len(sms_harness.inbox(NUMBER)) == 1

    @pytest.mark.parametrize("number", ["+8131234567", "0312345678x", "+81312345678"])
    def test_a_number_that_cannot_take_sms_is_final_and_names_no_one(
            self, sms_harness: SmsHarness, number: str) -> None:
        result = sms_harness.channel.send(number, SMS_NOTICE, idempotency_key="outbox-1")

        assert result.outcome in PERMANENT
        assert number not in result.detail and number[3:] not in result.detail
        assert "70,000" not in result.detail
        assert sms_harness.inbox(number) == []

    def test_each_recipient_of_a_group_gets_their_own_link(
            self, sms_harness: SmsHarness) -> None:
        results = sms_harness.channel.send_many([NUMBER, OTHER_NUMBER], SMS_NOTICE,
                                                idempotency_key="group")

        assert [result.outcome for _, result in results] == [DeliveryOutcome.DELIVERED] * 2
        [first], [second] = sms_harness.inbox(NUMBER), sms_harness.inbox(OTHER_NUMBER)
        assert first != second  # two personal links


@contextmanager
def _silent_provider() -> Iterator[tuple[str, int]]:
    """A TCP server on 127.0.0.1 that accepts every connection and never writes a byte (an
    HTTP API or an SMTP server that hangs); every connection is closed when it ends."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    held: list[socket.socket] = []
    stopped = threading.Event()

    def accept() -> None:
        while not stopped.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:  # the timeout between looks at `stopped`
                continue

    thread = threading.Thread(target=accept, name="silent-provider", daemon=True)
    thread.start()
    try:
        yield "127.0.0.1", listener.getsockname()[1]
    finally:
        stopped.set()
        thread.join(timeout=5)
        for connection in held:
            connection.close()
        listener.close()
