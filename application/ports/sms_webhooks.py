"""What an SMS provider posts to the town, read by its plug-in (ADR 0073): delivery statuses of
the messages it accepted and the residents' replies.

Madoguchi serves one route for the chosen SMS provider, `POST /sms/<provider>/webhook`
(`webhook_path`), and hands each request, as it came, to the reader the provider's plug-in
makes (`AdapterPlugin.webhook`). The reader checks the vendor's signature and says what the
request carries; Madoguchi does the rest the way it does for Twilio's own routes: a reply is
stored in the inbox once per provider message id (a redelivery stores nothing) and goes to the
conversation; a status is recorded on the outbox message the provider's id names, once.

The reader is framework-free: it sees the method, the URL the vendor called (under the town's
public URL), the headers and the raw body, and imports nothing of the web application."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Protocol

from attrs import field, frozen

__all__ = ["InvalidWebhookSignature", "MalformedWebhook", "SmsOutcome", "SmsReply",
           "SmsStatusUpdate", "SmsWebhookReader", "SmsWebhookReport", "WebhookRequest",
           "webhook_path"]


def webhook_path(provider: str) -> str:
    """Where the town receives the provider's posts, under its public URL (the URL a plug-in
    gives its vendor for status callbacks and replies)."""
    return f"/sms/{provider}/webhook"


class InvalidWebhookSignature(Exception):
    """The request is not the vendor's (no signature, a wrong one, another account's): the town
    answers 403 and does nothing with it. The message names no secret."""


class MalformedWebhook(ValueError):
    """Signed by the vendor but not in a shape the reader knows (a field missing, not JSON):
    the town answers 400. The message names no phone number and no text."""


@frozen
class WebhookRequest:
    """One request as it reached the town. `url` is the one the vendor called: the town's
    public URL, the path and the query string (what a vendor that signs its URL signs)."""

    method: str
    url: str
    headers: Mapping[str, str] = field(converter=lambda h: {k.lower(): v for k, v in h.items()})
    body: bytes = b""

    def header(self, name: str) -> str:
        """The header's value, "" when absent (names are case-insensitive)."""
        return self.headers.get(name.lower(), "")


class SmsOutcome(enum.Enum):
    """What became of an SMS, in the words a vendor's status maps onto (the outbox's delivery
    status follows: application/messaging/outbox.py `DeliveryStatus`)."""

    SENDING = "sending"  # accepted or on its way, not on the handset yet
    DELIVERED = "delivered"  # on the handset
    # Not delivered, for now (the phone was off or out of reach, the carrier filtered it).
    UNDELIVERED = "undelivered"
    # The number will not take SMS (unknown, a landline, blocked by the resident): the number
    # is marked unreachable and a notice moves to the resident's next rung.
    UNREACHABLE = "unreachable"
    FAILED = "failed"  # the vendor failed to send it (its side): a technical failure


@frozen
class SmsStatusUpdate:
    provider_ref: str  # the vendor's id of the message, as its send answered
    outcome: SmsOutcome
    detail: str = ""  # the vendor's own words (status, error code); never a number or a text


@frozen
class SmsReply:
    provider_ref: str  # the vendor's id of the incoming message: its de-duplication key
    sender: str  # the resident's number as the vendor gives it (E.164 preferred)
    text: str


@frozen
class SmsWebhookReport:
    """What one request carried (a vendor may batch several of each)."""

    statuses: tuple[SmsStatusUpdate, ...] = ()
    replies: tuple[SmsReply, ...] = ()


class SmsWebhookReader(Protocol):
    def read(self, request: WebhookRequest) -> SmsWebhookReport:
        """The request's statuses and replies, once its signature is checked: raises
        InvalidWebhookSignature for a request the vendor did not sign (checked before anything
        else is read) and MalformedWebhook for a signed one it cannot read."""
        ...
