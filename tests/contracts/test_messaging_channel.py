"""The `MessagingChannel` port's promises, one suite run on every channel: the in-memory fake,
LINE against the LINE simulator, e-mail against a real SMTP server (aiosmtpd), SMS through
Twilio's SDK against the SMS stand-in, and the web channel. A channel joins by adding a fixture
that returns a `Harness` and naming it in CHANNELS.

The web channel sends nothing anywhere: the resident's page shows the outbox rows addressed to
the web identity, whatever their status (`MessageQueries.transcript`), so what a resident
"received" there is the outbox's business, not the adapter's (the page's own tests show it).
Its harness has no `received` count, no unreachable recipient (a web identity is reached when
its resident opens the page) and no provider to be down: those promises are skipped for it,
with the reason; its outcomes are checked like every other channel's.

The promises: `send` delivers; `send_many` answers for every recipient exactly once, in groups;
a repeat of an accepted idempotency key is harmless (delivered once, under the same provider
reference) where the channel can;
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
from adapters.line.simulator.sms import running_sms_standin
from adapters.sms.ledger import MemorySmsLedger
from adapters.sms.messenger import TwilioSms
from adapters.web.channel import WebChannel
from application.ports.messaging import (
    Choice,
    DeliveryOutcome,
    DeliveryResult,
    MessageStyle,
    MessagingChannel,
    OutgoingMessage,
)
from tests.fakes import FakeChannel, FakeLinkMaker
from tests.support.mail import mailer_for
from tests.support.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER

pytestmark = pytest.mark.integration

NOTICE = [OutgoingMessage(text="特別給付金のお知らせ（秘密の本文）", alt_text="給付金のお知らせ",
                          choices=(Choice("はい", "apply:yes"), Choice("いいえ", "apply:no")),
                          style=MessageStyle.BUTTONS)]
PERMANENT = {DeliveryOutcome.REJECTED, DeliveryOutcome.BLOCKED}


@frozen
class Harness:
    channel: MessagingChannel
    addresses: list[str]  # recipients the channel reaches
    # a recipient it never will (unknown user, mailbox, number); None: the channel has none
    unreachable: str | None
    # how many sends reached this recipient; None: the channel itself delivers nothing (web)
    received: Callable[[str], int] | None
    # the same channel, its provider not answering; None: it has no provider
    unanswered: Callable[[], MessagingChannel] | None


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


def _twilio(base_url: str) -> TwilioSms:
    return TwilioSms(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=SENDER,
                     status_callback_url="https://town.example/sms/status",
                     links=FakeLinkMaker(), ledger=MemorySmsLedger(), api_base_url=base_url,
                     max_attempts=1, timeout=1.0, sleep=lambda _: None)


@pytest.fixture
def sms_channel() -> Iterator[Harness]:
    # Status callbacks are not posted here (nothing pumps them): the outcome of a send is what
    # the stand-in answered the SDK. A landline (+813…) is refused by it with 21614.
    with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER,
                             post=lambda *_: 204) as standin:
        yield Harness(_twilio(standin.base_url or ""),
                      ["+819012345678", "+818011112222", "+817033334444"], "+81312345678",
                      lambda r: len(standin.inbox(r)),
                      lambda: _twilio(f"http://127.0.0.1:{free_port()}"))


@pytest.fixture
def web_channel() -> Harness:
    return Harness(WebChannel(), ["web-1", "web-2", "web-3"], None, None, None)


CHANNELS = ["fake_channel", "line_channel", "email_channel", "sms_channel", "web_channel"]


@pytest.fixture(params=CHANNELS)
def harness(request: pytest.FixtureRequest) -> Harness:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


def _clean(result: DeliveryResult, harness: Harness) -> None:
    for address in [*harness.addresses, harness.unreachable or harness.addresses[0]]:
        assert address not in result.detail
        assert address[3:] not in result.detail  # a number without its country code
    assert "秘密" not in result.detail


def _received(harness: Harness, recipient: str) -> int | None:
    """None where the channel itself delivers nothing (web: the outbox row is the message)."""
    return None if harness.received is None else harness.received(recipient)


def test_send_delivers_to_the_recipient(harness: Harness) -> None:
    result = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    assert _received(harness, harness.addresses[0]) in (1, None)
    _clean(result, harness)


def test_send_many_answers_for_every_recipient_once_and_delivers_to_each(
        harness: Harness) -> None:
    groups = harness.channel.send_many(harness.addresses, NOTICE, idempotency_key="g-1")

    answered = [recipient for group, _ in groups for recipient in group]
    assert sorted(answered) == sorted(harness.addresses)
    assert all(result.outcome is DeliveryOutcome.DELIVERED for _, result in groups)
    assert [_received(harness, r) for r in harness.addresses] in ([1, 1, 1], [None] * 3)


def test_a_repeat_of_an_accepted_key_is_delivered_once(harness: Harness) -> None:
    first = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1")
    # a repeat is always marked retaken by the outbox (its row was tried before)
    again = harness.channel.send(harness.addresses[0], NOTICE, idempotency_key="k-1",
                                 retaken=True)
    many = harness.channel.send_many(harness.addresses[:2], NOTICE, idempotency_key="g-1")
    many_again = harness.channel.send_many(harness.addresses[:2], NOTICE, idempotency_key="g-1")

    assert {first.outcome, again.outcome} == {DeliveryOutcome.DELIVERED}
    # the provider's reference (an SMS's SID), where it gives one, is the one its callbacks name
    assert again.provider_ref == first.provider_ref
    assert {r.outcome for _, r in many + many_again} == {DeliveryOutcome.DELIVERED}
    assert _received(harness, harness.addresses[0]) in (2, None)  # k-1 once, g-1 once
    assert _received(harness, harness.addresses[1]) in (1, None)


def test_an_unreachable_recipient_is_a_permanent_failure_without_personal_data(
        harness: Harness) -> None:
    if harness.unreachable is None:
        pytest.skip("a web identity is reached whenever its resident opens the page")
    result = harness.channel.send(harness.unreachable, NOTICE, idempotency_key="k-1")

    assert result.outcome in PERMANENT
    _clean(result, harness)


def test_a_provider_that_does_not_answer_means_try_again_later(harness: Harness) -> None:
    if harness.unanswered is None:
        pytest.skip("the web channel has no provider: the page reads the outbox itself")
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
