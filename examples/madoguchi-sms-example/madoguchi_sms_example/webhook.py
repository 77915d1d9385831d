"""What the vendor posts to the town, read for Madoguchi (its `SmsWebhookReader` port,
application/ports/sms_webhooks.py): delivery statuses of the messages it accepted and the
residents' replies, each request signed with the town's webhook secret.

The vendor's webhooks (version 1), as the stand-in (standin.py) posts them:

    POST <the town's URL: https://<town>/sms/example-http/webhook>
    Content-Type: application/json
    X-Example-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed by the webhook secret>

    {"type": "message.status", "id": "msg_…", "status": "delivered", "error_code": ""}
    {"type": "message.inbound", "id": "in_…", "from": "+819012345678", "to": "+815012345678",
     "text": "はい"}

A status is "accepted" or "sent" (on its way), "delivered", "undelivered" (not now: the phone was
off), or "failed" with an error code: "unknown_number", "not_mobile" and "blocked" say the number
will not take SMS; any other code is the vendor's own failure.

The signature is checked first, over the bytes as they came, in constant time; nothing of an
unsigned request is read."""

from __future__ import annotations

import hashlib
import hmac
import json
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


def signature(secret: str, body: bytes) -> str:
    """The header's value for `body`: sha256=<hex HMAC-SHA256>."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class ExampleWebhookReader:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the webhook secret is required")
        self._secret = secret

    def read(self, request: WebhookRequest) -> SmsWebhookReport:
        given = request.header(SIGNATURE_HEADER)
        if request.method != "POST" or not hmac.compare_digest(
                given.encode(), signature(self._secret, request.body).encode()):
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
