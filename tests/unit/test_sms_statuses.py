"""Twilio's message statuses and error codes as the outbox's delivery statuses (ADR 0041):
what the number cannot take is a permanent failure (the ladder moves on), what is about this
message now is temporary, what Twilio failed on its side is technical."""

from __future__ import annotations

import pytest

from adapters.sms.webhook import delivery_status
from application.messaging.outbox import DeliveryStatus

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(("status", "code", "expected"), [
    ("queued", None, DeliveryStatus.SENDING),
    ("sent", None, DeliveryStatus.SENDING),
    ("delivered", None, DeliveryStatus.DELIVERED),
    ("undelivered", 30005, DeliveryStatus.PERMANENT_FAILURE),  # unknown handset
    ("undelivered", 30006, DeliveryStatus.PERMANENT_FAILURE),  # a landline
    ("failed", 21610, DeliveryStatus.PERMANENT_FAILURE),  # the number sent STOP
    ("undelivered", 30003, DeliveryStatus.TEMPORARY_FAILURE),  # the phone is off
    ("undelivered", 30007, DeliveryStatus.TEMPORARY_FAILURE),  # this message was filtered
    ("undelivered", None, DeliveryStatus.TEMPORARY_FAILURE),
    ("failed", 30002, DeliveryStatus.TECHNICAL_FAILURE),  # the account is suspended
    ("canceled", None, None),
])
def test_twilio_s_status_and_error_code_give_the_delivery_status(
        status: str, code: int | None, expected: DeliveryStatus | None) -> None:
    assert delivery_status(status, code) is expected
