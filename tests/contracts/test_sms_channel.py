"""The SMS channels' promises (madoguchi_contracts.messaging.SmsChannelContract), kept by the
SMS adapter (Twilio's SDK against the local stand-in, which checks what the SDK sends) and by
the in-memory fake: delivered with one personal link, a retry with the same key sends once, a
5xx is left for later and sends once when it clears, an unreachable number is final, and no
error names the number or the text."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.line.simulator.sms import SmsFaults, running_sms_standin
from madoguchi_contracts.messaging import ContractLinks, SmsChannelContract, SmsHarness
from tests.contracts.test_messaging_channel import twilio
from tests.support.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeSmsChannel


class TestTwilioSms(SmsChannelContract):
    @pytest.fixture
    def sms_harness(self, links: ContractLinks) -> Iterator[SmsHarness]:
        with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER) as standin:
            channel = twilio(standin.base_url or "", links, max_attempts=2)

            def fail_next(times: int) -> None:
                # error_rate 1 for the adapter's attempts of one send: each answers 500
                standin.set_faults(SmsFaults(error_rate=1.0, seed=1) if times else SmsFaults())

            yield SmsHarness(channel, lambda n: [m.body for m in standin.inbox(n)], fail_next)


class TestFakeSmsChannel(SmsChannelContract):
    @pytest.fixture
    def sms_harness(self, links: ContractLinks) -> SmsHarness:
        channel = FakeSmsChannel(links)  # type: ignore[arg-type]

        def fail_next(times: int) -> None:
            channel.failing = times

        return SmsHarness(channel, channel.inbox, fail_next)
