"""What the vendor posts to the town, read for Madoguchi (its `SmsWebhookReader` port,
application/ports/sms_webhooks.py): delivery statuses of the messages it accepted and the
residents' replies, each request signed with the town's webhook secret.

The vendor's webhooks (version 1), as the stand-in (standin.py) posts them:

    POST <the town's URL: https://<town>/sms/example-http/webhook>
    Content-Type: application/json
    X-Example-Signature: t=<unix seconds>,sha256=<hex HMAC-SHA256 of "<t>.<raw body>", keyed by
                         the webhook secret>

    {"type": "message.status", "id": "msg_…", "status": "delivered", "error_code": ""}
    {"type": "message.inbound", "id": "in_…", "from": "+819012345678", "to": "+815012345678",
     "text": "はい"}

A status is "accepted" or "sent" (on its way), "delivered", "undelivered" (not now: the phone was
off), or "failed" with an error code: "unknown_number", "not_mobile" and "blocked" say the number
will not take SMS; any other code is the vendor's own failure.

The signature is checked first, over the bytes as they came, in constant time, and its time
must be within 5 minutes of the town's clock (a captured request cannot be replayed later);
nothing of an unsigned request is read."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from application.ports.sms_webhooks import (
    InvalidWebhookSignature,
    MalformedWebhook,
    SmsOutcome,
    SmsReply,
    SmsStatusUpdate,
    SmsWebhookReport,
    WebhookRequest,
)

__all__ = ["SIGNATURE_HEADER", "ExampleWebhookReader", "signature"]

SIGNATURE_HEADER = "X-Example-Signature"
# The error codes of a failed message that say the number will not take SMS.
UNREACHABLE_CODES = frozenset({"unknown_number", "not_mobile", "blocked"})
_SENDING = {"accepted", "sent"}


TOLERANCE = 300  # seconds between the signature's time and the town's clock


def signature(secret: str, body: bytes, at: int | None = None) -> str:
    """The header's value for `body` sent at `at` (now): t=<unix>,sha256=<hex HMAC-SHA256>."""
    stamp = int(time.time() if at is None else at)
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    return f"t={stamp},sha256={digest.hexdigest()}"


class ExampleWebhookReader:
    def __init__(self, secret: str, now: Callable[[], float] = time.time) -> None:
        if not secret:
            raise ValueError("the webhook secret is required")
        self._secret, self._now = secret, now

    def read(self, request: WebhookRequest) -> SmsWebhookReport:
        if request.method != "POST" or not self._signed(request):
            raise InvalidWebhookSignature("no valid X-Example-Signature")
        try:
            event = json.loads(request.body)
        except ValueError:
            raise MalformedWebhook("the body is not JSON") from None
        if not isinstance(event, dict):
            raise MalformedWebhook("the body is a JSON object")
        kind = event.get("type")
        if kind == "message.status":
            return SmsWebhookReport(statuses=(_status(event),))
        if kind == "message.inbound":
            return SmsWebhookReport(replies=(_reply(event),))
        raise MalformedWebhook("type: message.status or message.inbound")

    def _signed(self, request: WebhookRequest) -> bool:
        parts = dict(part.partition("=")[::2] for part in
                     request.header(SIGNATURE_HEADER).split(","))
        stamp = parts.get("t", "")
        if not (stamp.isascii() and stamp.isdigit()) \
                or abs(self._now() - int(stamp)) > TOLERANCE:
            return False
        expected = signature(self._secret, request.body, int(stamp))
        return hmac.compare_digest(request.header(SIGNATURE_HEADER).encode(),
                                   expected.encode())


def _text(event: dict[str, Any], name: str, *, required: bool = True) -> str:
    value = event.get(name, "")
    if not isinstance(value, str) or (required and not value):
        raise MalformedWebhook(f"{name}: a string{' (required)' if required else ''}")
    return value


def _status(event: dict[str, Any]) -> SmsStatusUpdate:
    message_id, status = _text(event, "id"), _text(event, "status")
    code = _text(event, "error_code", required=False)
    if status in _SENDING:
        outcome = SmsOutcome.SENDING
    elif status == "delivered":
        outcome = SmsOutcome.DELIVERED
    elif status == "undelivered":
        outcome = SmsOutcome.UNDELIVERED
    elif status == "failed":
        outcome = SmsOutcome.UNREACHABLE if code in UNREACHABLE_CODES else SmsOutcome.FAILED
    else:
        raise MalformedWebhook("status: accepted, sent, delivered, undelivered or failed")
    return SmsStatusUpdate(message_id, outcome, f"{status} {code}".strip())


def _reply(event: dict[str, Any]) -> SmsReply:
    return SmsReply(provider_ref=_text(event, "id"), sender=_text(event, "from"),
                    text=_text(event, "text", required=False))
