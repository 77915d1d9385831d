"""The MessagingChannel port's promises, kept by the SMS adapter (Twilio's SDK against the
local stand-in, which checks what the SDK sends) and by the in-memory fake: delivered, a retry
with the same key sends once, a 5xx is left for later and sends once when it clears, an
unreachable number is final, and no error names the number or the text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from attrs import define

from adapters.line.simulator.sms import SmsFaults, SmsStandIn, running_sms_standin
from adapters.sms.ledger import MemorySmsLedger
from adapters.sms.messenger import TwilioSms
from application.ports.messaging import Choice, DeliveryOutcome, MessageStyle, OutgoingMessage
from tests.support.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeLinks, FakeSmsChannel

NUMBER = "+819012345678"
NOTICE = [OutgoingMessage("【物価高騰対策給付金】支給額は70,000円です。",
                          choices=(Choice("申請する", "bnf:a1:yes"),
                                   Choice("申請しない", "bnf:a1:no")),
                          style=MessageStyle.BUTTONS)]


@define
class Subject:
    channel: Any
    inbox: Any  # number → bodies received
    fail_next: Any  # n → the next n sends fail as a provider's 5xx would


def _real() -> Iterator[Subject]:
    with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER) as standin:
        channel = TwilioSms(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=SENDER,
                            status_callback_url="https://town.example/sms/status",
                            links=FakeLinks(), ledger=MemorySmsLedger(),
                            api_base_url=standin.base_url or "", max_attempts=2,
                            sleep=lambda seconds: None)

        def fail_next(times: int, sms: SmsStandIn = standin) -> None:
            # error_rate 1 for the adapter's attempts of one send: each answers 500
            sms.set_faults(SmsFaults(error_rate=1.0, seed=1) if times else SmsFaults())

        yield Subject(channel, lambda n: [m.body for m in standin.inbox(n)], fail_next)


def _fake() -> Iterator[Subject]:
    channel = FakeSmsChannel(FakeLinks())

    def fail_next(times: int) -> None:
        channel.failing = times

    yield Subject(channel, channel.inbox, fail_next)


@pytest.fixture(params=["twilio", "fake"])
def subject(request: pytest.FixtureRequest) -> Iterator[Subject]:
    yield from (_real() if request.param == "twilio" else _fake())


def test_a_message_is_delivered_with_its_choices_as_one_personal_link(subject: Subject) -> None:
    result = subject.channel.send(NUMBER, NOTICE, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    [body] = subject.inbox(NUMBER)
    assert "70,000円" in body
    assert body.count("https://town.example/r/outbox-1") == 1


def test_the_same_key_again_sends_nothing_more(subject: Subject) -> None:
    first = subject.channel.send(NUMBER, NOTICE, idempotency_key="outbox-1")
    # a repeat is always marked retaken by the outbox (its row was tried before)
    again = subject.channel.send(NUMBER, NOTICE, idempotency_key="outbox-1", retaken=True)

    assert first.outcome is again.outcome is DeliveryOutcome.DELIVERED
    assert len(subject.inbox(NUMBER)) == 1


def test_a_server_error_is_left_for_later_and_the_retry_sends_once(subject: Subject) -> None:
    subject.fail_next(2)
    failed = subject.channel.send(NUMBER, NOTICE, idempotency_key="outbox-1")
    subject.fail_next(0)
    retried = subject.channel.send(NUMBER, NOTICE, idempotency_key="outbox-1", retaken=True)
    again = subject.channel.send(NUMBER, NOTICE, idempotency_key="outbox-1", retaken=True)

    assert failed.outcome is DeliveryOutcome.RETRY_LATER
    assert retried.outcome is again.outcome is DeliveryOutcome.DELIVERED
    assert len(subject.inbox(NUMBER)) == 1


@pytest.mark.parametrize("number", ["+8131234567", "0312345678x", "+81312345678"])
def test_a_number_that_cannot_take_sms_is_final_and_names_no_one(subject: Subject,
                                                                 number: str) -> None:
    result = subject.channel.send(number, NOTICE, idempotency_key="outbox-1")

    assert result.outcome in (DeliveryOutcome.BLOCKED, DeliveryOutcome.REJECTED)
    assert number not in result.detail and number[3:] not in result.detail
    assert "70,000" not in result.detail
    assert subject.inbox(number) == []


def test_each_recipient_of_a_group_gets_their_own_link(subject: Subject) -> None:
    results = subject.channel.send_many([NUMBER, "+818011112222"], NOTICE,
                                        idempotency_key="group")

    assert [result.outcome for _, result in results] == [DeliveryOutcome.DELIVERED] * 2
    [first], [second] = subject.inbox(NUMBER), subject.inbox("+818011112222")
    assert first != second  # two personal links
