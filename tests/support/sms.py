"""The SMS stand-in for tests: personal links made in memory, the stand-in's callbacks posted
into a Flask test client, and an in-memory SMS channel that keeps the port's promises."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from flask.testing import FlaskClient

from adapters.sms.rendering import render
from application.ports.messaging import DeliveryOutcome, DeliveryResult, OutgoingMessage
from domain.errors import InvalidValue
from domain.phone import PhoneNumber

__all__ = ["ACCOUNT_SID", "AUTH_TOKEN", "SENDER", "FakeLinks", "FakeSmsChannel", "into"]

ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
AUTH_TOKEN = "test-twilio-token"
SENDER = "+815012345678"


class FakeLinks:
    """A LinkMaker: the same link for the same message (as the web channel's are)."""

    def __init__(self, base: str = "https://town.example/r") -> None:
        self.base, self.made = base, []  # type: ignore[var-annotated]

    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        self.made.append((recipient_channel, recipient, message_id))
        return f"{self.base}/{message_id}"


def into(client: FlaskClient, public_url: str) -> Callable[[str, dict[str, str],
                                                            dict[str, str]], int]:
    """A poster for the stand-in that delivers its signed callbacks to the app under test."""
    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> int:
        assert url.startswith(public_url), url
        return client.post(url[len(public_url):], data=params, headers=headers).status_code
    return post


class FakeSmsChannel:
    """The SMS channel in memory, with the promises of the real one: one message per key,
    unreachable numbers BLOCKED, `failing` answers RETRY_LATER (a provider's 5xx) without
    sending, errors that name no number."""

    name = "sms"
    one_by_one = True

    def __init__(self, links: FakeLinks) -> None:
        self.links, self.failing = links, 0
        self.sent: dict[str, tuple[str, str]] = {}  # key → (number, body)
        self._lock = threading.Lock()

    def inbox(self, number: str) -> list[str]:
        return [body for to, body in self.sent.values() if to == number]

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        with self._lock:
            if idempotency_key in self.sent:
                return DeliveryResult(DeliveryOutcome.DELIVERED, "already accepted")
            if self.failing:
                self.failing -= 1
                return DeliveryResult(DeliveryOutcome.RETRY_LATER, "500 20500")
            try:
                number = PhoneNumber.mobile(recipient).e164
            except InvalidValue:
                return DeliveryResult(DeliveryOutcome.BLOCKED, "21211 invalid number")
            self.sent[idempotency_key] = (number, render(messages, lambda: self.links.link_for(
                self.name, recipient, idempotency_key)))
            return DeliveryResult(DeliveryOutcome.DELIVERED)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        return [([r], self.send(r, messages, idempotency_key=f"{idempotency_key}:{r}"))
                for r in recipients]
