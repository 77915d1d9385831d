"""Messaging channels (LINE, SMS, mail): rendering-neutral messages and delivery outcomes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol

from attrs import field, frozen

__all__ = ["Choice", "DeliveryOutcome", "DeliveryResult", "MessagingChannel", "OutgoingMessage"]


@frozen
class Choice:
    label: str  # what the button says: はい
    data: str  # what comes back when tapped


@frozen
class OutgoingMessage:
    text: str
    choices: tuple[Choice, ...] = field(default=(), converter=tuple)


class DeliveryOutcome(enum.Enum):
    DELIVERED = "delivered"
    RETRY_LATER = "retry_later"  # 5xx, timeout, rate limited: safe to try again with the same key
    REJECTED = "rejected"  # a 4xx that will not change by retrying
    BLOCKED = "blocked"  # the recipient blocked the account


@frozen
class DeliveryResult:
    outcome: DeliveryOutcome
    detail: str = ""


class MessagingChannel(Protocol):
    name: str

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str) -> DeliveryResult: ...
