"""The SMS adapter's delivery policy through Twilio's SDK against the stand-in (which checks
what the SDK sends), with the ledger of unsure tries in the database: never twice for one
key."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from adapters.line.simulator.sms import SmsFaults, SmsStandIn, running_sms_standin
from adapters.sms.ledger import SqlSmsLedger
from adapters.sms.messenger import TwilioSms
from application.ports.messaging import DeliveryOutcome, OutgoingMessage
from tests.support.sms import ACCOUNT_SID, AUTH_TOKEN, SENDER, FakeLinks

pytestmark = pytest.mark.integration

NUMBER = "+819012345678"
HELLO = [OutgoingMessage("見本町役場からのお知らせです。")]
CALLBACK = "https://town.example/sms/status"


@pytest.fixture
def standin() -> Iterator[SmsStandIn]:
    with running_sms_standin(ACCOUNT_SID, AUTH_TOKEN, SENDER, post=lambda *a: 204) as sms:
        yield sms


def _sms(standin: SmsStandIn, engine: Engine, **options: object) -> TwilioSms:
    settings: dict[str, object] = {
        "account_sid": ACCOUNT_SID, "auth_token": AUTH_TOKEN, "from_number": SENDER,
        "status_callback_url": CALLBACK, "links": FakeLinks(), "ledger": SqlSmsLedger(engine),
        "api_base_url": standin.base_url, "sleep": lambda seconds: None, **options}
    return TwilioSms(**settings)  # type: ignore[arg-type]


def test_the_sdk_sends_what_twilio_expects_and_a_first_try_writes_nothing_else(
        standin: SmsStandIn, engine: Engine) -> None:
    result = _sms(standin, engine).send(NUMBER, HELLO, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    [sent] = standin.inbox(NUMBER)
    assert (sent.from_, sent.body, sent.status_callback) == (
        SENDER, HELLO[0].text, f"{CALLBACK}?m=outbox-1")
    assert result.provider_ref == sent.sid  # kept on the outbox row, which is the record
    assert SqlSmsLedger(engine).get("outbox-1") is None


def test_wrong_credentials_are_refused_by_the_stand_in_and_final(standin: SmsStandIn,
                                                                 engine: Engine) -> None:
    result = _sms(standin, engine, auth_token="wrong").send(NUMBER, HELLO,
                                                            idempotency_key="outbox-1")

    assert (result.outcome, result.detail) == (DeliveryOutcome.REJECTED, "401 20003")
    assert standin.inbox(NUMBER) == []


def test_a_lost_answer_is_found_at_the_provider_instead_of_sent_again(
        standin: SmsStandIn, engine: Engine, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # DEBUG is kept from our own packages only (ADR 0036)
    standin.set_faults(SmsFaults(lost_rate=1.0))
    sms = _sms(standin, engine, max_attempts=1)
    first = sms.send(NUMBER, HELLO, idempotency_key="outbox-1")  # taken, answer lost
    standin.set_faults(SmsFaults())
    retried = sms.send(NUMBER, HELLO, idempotency_key="outbox-1", retaken=True)
    again = sms.send(NUMBER, HELLO, idempotency_key="outbox-1", retaken=True)

    assert first.outcome is DeliveryOutcome.RETRY_LATER
    assert (retried.outcome, retried.detail) == (DeliveryOutcome.DELIVERED,
                                                 "found at the provider")
    assert (again.detail, again.provider_ref) == ("already accepted", retried.provider_ref)
    assert len(standin.inbox(NUMBER)) == 1
    assert "9012345678" not in caplog.text  # the look-up's query is not logged


def test_a_rate_limit_is_retried_with_back_off(standin: SmsStandIn, engine: Engine) -> None:
    naps: list[float] = []
    standin.set_faults(SmsFaults(throttle_rate=1.0))
    throttled = _sms(standin, engine, sleep=naps.append, max_attempts=3).send(
        NUMBER, HELLO, idempotency_key="outbox-1")

    assert (throttled.outcome, throttled.detail) == (DeliveryOutcome.RETRY_LATER, "429 20429")
    assert naps == [0.2, 0.4]
    assert standin.inbox(NUMBER) == []


def test_a_number_that_sent_stop_moves_down_the_ladder(standin: SmsStandIn,
                                                       engine: Engine) -> None:
    standin.unsubscribed.add(NUMBER)

    result = _sms(standin, engine).send(NUMBER, HELLO, idempotency_key="outbox-1")

    assert (result.outcome, result.detail) == (DeliveryOutcome.BLOCKED,
                                               "21610 unsubscribed (STOP)")


def test_a_provider_that_does_not_answer_is_left_for_later(engine: Engine) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        sms = TwilioSms(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, from_number=SENDER,
                        status_callback_url=CALLBACK, links=FakeLinks(),
                        ledger=SqlSmsLedger(engine), timeout=0.2, max_attempts=1,
                        api_base_url=f"http://127.0.0.1:{silent.getsockname()[1]}",
                        sleep=lambda seconds: None)
        result = sms.send(NUMBER, HELLO, idempotency_key="outbox-1")

    assert (result.outcome, result.detail) == (DeliveryOutcome.RETRY_LATER,
                                               "transport: ReadTimeout")


def test_a_send_whose_dispatcher_died_is_found_not_sent_again(standin: SmsStandIn,
                                                                engine: Engine) -> None:
    """No ledger row: the first try wrote none. The outbox retakes the row as possibly
    sent, and the adapter finds it at Twilio."""
    _sms(standin, engine).send(NUMBER, HELLO, idempotency_key="outbox-1")  # then it died

    retaken = _sms(standin, engine).send(NUMBER, HELLO, idempotency_key="outbox-1",
                                         retaken=True)

    assert (retaken.outcome, retaken.detail) == (DeliveryOutcome.DELIVERED,
                                                 "found at the provider")
    assert len(standin.inbox(NUMBER)) == 1


def test_a_retaken_message_never_sent_is_sent_once(standin: SmsStandIn,
                                                    engine: Engine) -> None:
    retaken = _sms(standin, engine).send(NUMBER, HELLO, idempotency_key="outbox-1",
                                         retaken=True)

    assert (retaken.outcome, retaken.detail) == (DeliveryOutcome.DELIVERED, "")
    assert len(standin.inbox(NUMBER)) == 1


def test_the_sdk_ignores_twilios_own_environment_variables(
        standin: SmsStandIn, engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_EDGE", "tokyo")  # would send the SDK to api.tokyo.us1.twilio.com
    monkeypatch.setenv("TWILIO_REGION", "jp1")

    result = _sms(standin, engine).send(NUMBER, HELLO, idempotency_key="outbox-1")

    assert result.outcome is DeliveryOutcome.DELIVERED
    assert len(standin.inbox(NUMBER)) == 1
