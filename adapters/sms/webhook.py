"""What Twilio posts to the town: inbound SMS and status callbacks, checked by signature.

Twilio signs each request with the account's auth token (X-Twilio-Signature: HMAC-SHA1 over
the URL it called and the form fields, twilio.request_validator.RequestValidator). The URL is
the one Twilio was given, under the town's public URL (MADOGUCHI_PUBLIC_URL), not the one the
app sees behind its proxy. A reply STOP (or 停止) is an opt-out: the identity is blocked at once.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping

from attrs import frozen
from twilio.request_validator import RequestValidator

from application.channels.inbound import InboundEvent, InboundKind
from application.messaging.outbox import DeliveryStatus
from domain.errors import InvalidValue
from domain.phone import PhoneNumber

__all__ = ["INBOUND_PATH", "STATUS_PATH", "InvalidSignature", "SmsStatus", "SmsWebhook",
           "delivery_status", "sms_event"]

INBOUND_PATH = "/sms/inbound"
STATUS_PATH = "/sms/status"
# Twilio's own opt-out words (it stops delivery to the number itself), and the Japanese ones.
_STOP = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "停止", "配信停止",
         "ストップ"}
_START = {"start", "unstop", "yes 開始", "開始", "再開"}


# Twilio's error codes on an undelivered or failed message that say the number will not take
# SMS (GOV.UK Notify's permanent-failure: the ladder moves the notice on): blocked by the
# recipient (30004), unknown handset (30005), a landline (30006), and the codes it refuses a
# send with (see adapters/sms/messenger.py). Any other code (30003: the phone is off or out of
# reach; 30007: the carrier filtered this message; 30008: unknown) is about this message, now.
PERMANENT_CODES = frozenset({30004, 30005, 30006, 21211, 21408, 21610, 21612, 21614})
# A message Twilio itself failed to send (its queue overflowed, the account is suspended, the
# price limit): our side, not the resident's.
TECHNICAL_CODES = frozenset({30001, 30002, 30010})
_SENDING = {"accepted", "scheduled", "queued", "sending", "sent"}


def delivery_status(status: str, error_code: int | None) -> DeliveryStatus | None:
    """The outbox's delivery status for what Twilio reports (None: a status it does not mean
    anything for, e.g. "canceled" of a scheduled message)."""
    if status in _SENDING:
        return DeliveryStatus.SENDING
    if status in ("delivered", "read"):
        return DeliveryStatus.DELIVERED
    if status not in ("undelivered", "failed"):
        return None
    if error_code in PERMANENT_CODES:
        return DeliveryStatus.PERMANENT_FAILURE
    if error_code in TECHNICAL_CODES:
        return DeliveryStatus.TECHNICAL_FAILURE
    return DeliveryStatus.TEMPORARY_FAILURE


def sms_event(external_id: str, sender: str, body: str, *, at: dt.datetime) -> InboundEvent:
    """A resident's SMS, from any provider (Twilio's, a plug-in's: ADR 0073), as an inbound
    event: the number in E.164 when it is a mobile one; STOP (or 停止) is an opt-out, START (or
    開始) opts in again; anything else is text. `external_id` is its de-duplication key."""
    try:
        address = PhoneNumber.mobile(sender).e164
    except InvalidValue:
        address = sender
    text = body.strip()
    word = unicodedata.normalize("NFKC", text).strip().lower()
    kind = (InboundKind.UNFOLLOW if word in _STOP
            else InboundKind.FOLLOW if word in _START else InboundKind.TEXT)
    return InboundEvent(channel="sms", external_id=external_id, address=address, kind=kind,
                        occurred_at=at, text=text if kind is InboundKind.TEXT else "")


class InvalidSignature(Exception):
    """The request is not Twilio's (or not for this account): nothing is done with it."""


@frozen
class SmsStatus:
    sid: str
    status: str  # queued, sent, delivered, undelivered, failed
    error_code: int | None


class SmsWebhook:
    def __init__(self, *, auth_token: str, public_url: str) -> None:
        self._validator = RequestValidator(auth_token)
        self._public_url = public_url.rstrip("/")

    def check(self, path: str, form: Mapping[str, str], signature: str | None) -> None:
        if not signature or not self._validator.validate(self._public_url + path, dict(form),
                                                         signature):
            raise InvalidSignature()

    @staticmethod
    def inbound(form: Mapping[str, str], *, at: dt.datetime) -> InboundEvent:
        """The resident's SMS as an inbound event (MessageSid is its de-duplication key)."""
        sid = form.get("MessageSid", "")
        if not sid or not form.get("From", ""):
            raise ValueError("MessageSid and From are required")
        return sms_event(sid, form["From"], form.get("Body", ""), at=at)

    @staticmethod
    def status(form: Mapping[str, str]) -> SmsStatus:
        sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
        if not sid or not status:
            raise ValueError("MessageSid and MessageStatus are required")
        code = form.get("ErrorCode", "")
        return SmsStatus(sid, status, int(code) if code.isdigit() else None)
