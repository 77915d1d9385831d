"""The `MessagingChannel` port's promises, one suite run on every channel: the in-memory fake,
LINE against the LINE simulator, e-mail against a real SMTP server (aiosmtpd). A channel joins
by adding a fixture that returns a `Harness` and naming it in CHANNELS.

The promises: `send` delivers; `send_many` answers for every recipient exactly once, in groups;
a repeat of an accepted idempotency key is harmless (delivered once) where the channel can;
an unreachable recipient is a permanent failure (REJECTED or BLOCKED: never retried), a
provider that does not answer is RETRY_LATER; `DeliveryResult.detail` carries no address and
no message text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from attrs import frozen

from adapters.line.messenger import LineMessenger
from adapters.line.simulator.mail_catcher import MailCatcher, free_port
from adapters.line.simulator.running import running_simulator
from application.ports.messaging import (
    Choice,
    DeliveryOutcome,
    DeliveryResult,
    MessageStyle,
    MessagingChannel,
    OutgoingMessage,
)
from tests.fakes import FakeChannel
from tests.support.mail import mailer_for

pytestmark = pytest.mark.integration

NOTICE = [OutgoingMessage(text="特別給付金のお知らせ（秘密の本文）", alt_text="給付金のお知らせ",
                          choices=(Choice("はい", "apply:yes"), Choice("いいえ", "apply:no")),
                          style=MessageStyle.BUTTONS)]
PERMANENT = {DeliveryOutcome.REJECTED, DeliveryOutcome.BLOCKED}


@frozen
class Harness:
    channel: MessagingChannel
    addresses: list[str]  # recipients the channel reaches
    unreachable: str  # a recipient it never will (unknown user, mailbox, number)
    received: Callable[[str], int]  # how many sends reached this recipient
    unanswered: Callable[[], MessagingChannel]  # the same channel, its provider not answering


@pytest.fixture
def fake_channel() -> Harness:
    channel = FakeChannel("fake", group_limit=2)
    channel.unknown.add("fake:nobody")
    down = FakeChannel("fake")
    down.down = True
    return Harness(channel, ["fake:alice", "fake:bob", "fake:carol"], "fake:nobody",
                   lambda r: len(channel.received.get(r, [])), lambda: down)


@pytest.fixture
def line_channel() -> Iterator[Harness]:
    with running_simulator("contract-secret", "contract-token", None, users=3) as sim:
        def messenger(base_url: str) -> LineMessenger:
            return LineMessenger(access_token="contract-token", base_url=base_url,
                                 max_attempts=1, timeout=(1.0, 1.0), sleep=lambda _: None)
        yield Harness(messenger(sim.base_url), list(sim.bulk_user_ids[:3]), "U" + "0" * 32,
                      lambda r: len(sim.received(r)),
                      lambda: messenger(f"http://127.0.0.1:{free_port()}"))


@pytest.fixture
def email_channel() -> Iterator[Harness]:
    with MailCatcher() as catcher:
        catcher.unknown.add("gone@example.jp")
        mailer = mailer_for(catcher)
        yield Harness(mailer, [f"r{i}@example.jp" for i in range(3)],
                      "gone@example.jp", lambda r: len(catcher.inbox(r)),
                      lambda: mailer_for(MailCatcher(port=free_port())))
        mailer.close()  # its kept connections


CHANNELS = ["fake_channel", "line_channel", "email_channel"]


@pytest.fixture(params=CHANNELS)
def harness(request: pytest.FixtureRequest) -> Harness:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _clean(result: DeliveryResult, harness: Harness) -> None:
    for address in [*harness.addresses, harness.unreachable]:
        assert address not in result.detail
    assert "秘密" not in result.detail


def test_send_delivers_to_the_recipient(harness: Harness) -> None:
    result = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    assert harness.received(harness.addresses[0]) == 1
    _clean(result, harness)


def test_send_many_answers_for_every_recipient_once_and_delivers_to_each(
        harness: Harness) -> None:
    groups = harness.channel.send_many(harness.addresses, NOTICE, idempotency_key="g-1")

    answered = [recipient for group, _ in groups for recipient in group]
    assert sorted(answered) == sorted(harness.addresses)
    assert all(result.outcome is DeliveryOutcome.DELIVERED for _, result in groups)
    assert [harness.received(r) for r in harness.addresses] == [1, 1, 1]


def test_a_repeat_of_an_accepted_key_is_delivered_once(harness: Harness) -> None:
    first = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")
    again = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")
    many = harness.channel.send_many(harness.addresses[:2], NOTICE, idempotency_key="g-1")
    many_again = harness.channel.send_many(harness.addresses[:2], NOTICE, idempotency_key="g-1")

    assert {first.outcome, again.outcome} == {DeliveryOutcome.DELIVERED}
    assert {r.outcome for _, r in many + many_again} == {DeliveryOutcome.DELIVERED}
    assert harness.received(harness.addresses[0]) == 2  # k-1 once, g-1 once
    assert harness.received(harness.addresses[1]) == 1


def test_an_unreachable_recipient_is_a_permanent_failure_without_personal_data(
        harness: Harness) -> None:
    result = harness.channel.send(harness.unreachable, NOTICE, idempotency_key="k-1")

    assert result.outcome in PERMANENT
    _clean(result, harness)


def test_a_provider_that_does_not_answer_means_try_again_later(harness: Harness) -> None:
    channel = harness.unanswered()

    result = channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")
    groups = channel.send_many(harness.addresses, NOTICE, idempotency_key="g-1")

    assert result.outcome is DeliveryOutcome.RETRY_LATER
    assert {r.outcome for _, r in groups} == {DeliveryOutcome.RETRY_LATER}
    assert sorted(r for group, _ in groups for r in group) == sorted(harness.addresses)
    _clean(result, harness)


def test_send_takes_every_keyword_the_dispatcher_passes(harness: Harness) -> None:
    result = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-kw",
                                  reply_token=None, retaken=False)

    assert result.outcome is DeliveryOutcome.DELIVERED
