"""The `MessagingChannel` port's promises (madoguchi_contracts.messaging) kept by every channel:
the in-memory fakes (tests/fakes.py's FakeChannel and InboxChannel, tests/support's
FakeSmsChannel), LINE against the LINE simulator, e-mail against a real SMTP server
(aiosmtpd), SMS through Twilio's SDK against the SMS stand-in, and the web channel (which sends
nothing anywhere: its resident's page shows the outbox rows addressed to the web identity, so
the promises about receiving, unreachable recipients and a provider that is down are skipped
for it, with the reason). A vendor's SMS adapter runs the same suite in its own package
(examples/madoguchi-sms-example/tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.email.mailer import SmtpMailer
from adapters.line.messenger import LineMessenger
from adapters.line.simulator.mail_catcher import MailCatcher, free_port
from adapters.line.simulator.running import running_simulator
from adapters.line.simulator.sms import running_sms_standin
from adapters.sms.ledger import MemorySmsLedger
from adapters.sms.messenger import TwilioSms
from adapters.web.channel import WebChannel
from application.ports.messaging import DeliveryOutcome
from madoguchi_contracts.messaging import MessagingChannelContract, MessagingHarness
from tests.fakes import FakeChannel, FakeLinkMaker, InboxChannel
from tests.support.mail import SENDER as MAIL_SENDER
from tests.support.mail import mailer_for
from tests.support.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeLinks, FakeSmsChannel

pytestmark = pytest.mark.integration


class TestFakeChannel(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> MessagingHarness:
        channel = FakeChannel("fake", group_limit=2)
        channel.unknown.add("fake:nobody")
        down = FakeChannel("fake")
        down.down = True
        return MessagingHarness(channel, ["fake:alice", "fake:bob", "fake:carol"],
                                "fake:nobody", lambda r: len(channel.received.get(r, [])),
                                lambda: down)


class TestInboxChannel(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> MessagingHarness:
        addresses = ["a@example.jp", "b@example.jp", "c@example.jp"]
        channel = InboxChannel("email", refuse={"gone@example.jp": DeliveryOutcome.REJECTED})
        down = InboxChannel("email", refuse=dict.fromkeys(
            [*addresses, "gone@example.jp"], DeliveryOutcome.RETRY_LATER))
        return MessagingHarness(channel, addresses, "gone@example.jp",
                                lambda r: len(channel.inbox.get(r, [])), lambda: down)


class TestFakeSmsChannel(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> MessagingHarness:
        channel, down = FakeSmsChannel(FakeLinks()), FakeSmsChannel(FakeLinks())
        down.failing = 1_000  # every send answers as a provider's 5xx would
        return MessagingHarness(channel, ["+819012345678", "+818011112222", "+817033334444"],
                                "+81312345678", lambda r: len(channel.inbox(r)), lambda: down)


class TestLineMessenger(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> Iterator[MessagingHarness]:
        with running_simulator("contract-secret", "contract-token", None, users=3) as sim:
            def messenger(base_url: str) -> LineMessenger:
                return LineMessenger(access_token="contract-token", base_url=base_url,
                                     max_attempts=1, timeout=(1.0, 1.0), sleep=lambda _: None)
            yield MessagingHarness(messenger(sim.base_url), list(sim.bulk_user_ids[:3]),
                                   "U" + "0" * 32, lambda r: len(sim.received(r)),
                                   lambda: messenger(f"http://127.0.0.1:{free_port()}"),
                                   lambda host, port: messenger(f"http://{host}:{port}"))


def _hung_mailer(host: str, port: int) -> SmtpMailer:
    return SmtpMailer(host=host, port=port, sender=MAIL_SENDER, links=FakeLinkMaker(),
                      unsubscribe_link=lambda _: "https://town.example/u", starttls=False,
                      timeout=1.0)


class TestSmtpMailer(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> Iterator[MessagingHarness]:
        with MailCatcher() as catcher:
            catcher.unknown.add("gone@example.jp")
            mailer = mailer_for(catcher)
            yield MessagingHarness(mailer, [f"r{i}@example.jp" for i in range(3)],
                                   "gone@example.jp", lambda r: len(catcher.inbox(r)),
                                   lambda: mailer_for(MailCatcher(port=free_port())),
                                   _hung_mailer)
            mailer.close()  # its kept connections


def twilio(base_url: str, links: object, *, max_attempts: int = 1) -> TwilioSms:
    return TwilioSms(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=SENDER,
                     status_callback_url="https://town.example/sms/status",
                     links=links, ledger=MemorySmsLedger(),  # type: ignore[arg-type]
                     api_base_url=base_url, max_attempts=max_attempts, timeout=1.0,
                     sleep=lambda _: None)


class TestTwilioSms(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> Iterator[MessagingHarness]:
        # Status callbacks are not posted here (nothing pumps them): the outcome of a send is
        # what the stand-in answered the SDK. A landline (+813…) is refused by it with 21614.
        with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER,
                                 post=lambda *_: 204) as standin:
            yield MessagingHarness(
                twilio(standin.base_url or "", FakeLinkMaker()),
                ["+819012345678", "+818011112222", "+817033334444"], "+81312345678",
                lambda r: len(standin.inbox(r)),
                lambda: twilio(f"http://127.0.0.1:{free_port()}", FakeLinkMaker()),
                lambda host, port: twilio(f"http://{host}:{port}", FakeLinkMaker()))


class TestWebChannel(MessagingChannelContract):
    @pytest.fixture
    def harness(self) -> MessagingHarness:
        return MessagingHarness(WebChannel(), ["web-1", "web-2", "web-3"], None, None, None)
