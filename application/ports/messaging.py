"""Messaging channels (LINE, SMS, mail): rendering-neutral messages and delivery outcomes."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import Protocol

from attrs import field, frozen

__all__ = [
    "PAGE_LINK",
    "SEND_LOCATION",
    "Choice",
    "DeliveryOutcome",
    "DeliveryResult",
    "FriendCheck",
    "LinkMaker",
    "MessageStyle",
    "MessagingChannel",
    "OutgoingMessage",
]

# A Choice's `url` that means "this message's personal link to the resident's web page": the
# channel puts the link in when it sends (LINE, whose buttons can open a page; SMS and e-mail
# give every message with choices that link anyway). Made at sending, outside the transaction
# that wrote the message, and the same for a retry of it (LinkMaker.link_for).
PAGE_LINK = "madoguchi:page"

# A Choice's `data` that asks the resident for a place: LINE shows its location picker (a quick
# reply only); the web page, which has its own address form, leaves the button out; SMS and
# e-mail link to that page as for any choice. Nothing comes back with this data.
SEND_LOCATION = "madoguchi:location"


class MessageStyle(enum.Enum):
    """How a channel shows a message's choices. Channels without buttons list them as text."""

    PLAIN = "plain"  # text; choices, if any, are shown as quick replies
    QUICK_REPLY = "quick_reply"  # text with up to 13 quick-reply buttons under it
    CONFIRM = "confirm"  # a short question with exactly two choices (はい / いいえ)
    BUTTONS = "buttons"  # a card with up to 4 buttons (a benefit notice: はい / いいえ / 別の口座)


@frozen
class Choice:
    label: str  # what the button says: はい
    data: str  # what comes back when tapped
    display_text: str = ""  # what appears as the resident's message when tapped; "" = label
    url: str = ""  # a link button (opens a page) instead of a reply; `data` is then unused


@frozen
class OutgoingMessage:
    text: str
    choices: tuple[Choice, ...] = field(default=(), converter=tuple)
    style: MessageStyle = MessageStyle.PLAIN
    alt_text: str = ""  # the notification / chat-list text of a card; "" = derived from text
    # A notice about the resident's own benefit, certificate or request is essential (the
    # default: everything the town sends today). False marks what a resident may decline
    # (town news): e-mail gives it an unsubscribe link, and a declined address is not sent it.
    essential: bool = True


class DeliveryOutcome(enum.Enum):
    DELIVERED = "delivered"
    RETRY_LATER = "retry_later"  # 5xx, timeout, rate limited: safe to try again with the same key
    REJECTED = "rejected"  # a 4xx that will not change by retrying
    BLOCKED = "blocked"  # the recipient blocked the account


@frozen
class DeliveryResult:
    outcome: DeliveryOutcome
    detail: str = ""
    # The provider's id of what it accepted (an SMS's SID), kept on the outbox row so that the
    # provider's status callbacks find it; "" where the channel has none (ADR 0041).
    provider_ref: str = ""


class MessagingChannel(Protocol):
    """A channel may set `one_by_one = True`: its messages then never go in group sends (each
    SMS carries its own personal link, so there is nothing to share). An SMS channel may offer
    `preview(messages, personal_link) -> str`, the text it would send, for the staff's preview
    of a campaign."""

    name: str

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        """Send to one recipient. A fresh `reply_token` (from the event being answered) is used
        first where the channel has one; the idempotency key makes a repeat harmless.

        `retaken`: an earlier attempt of this message may have reached the channel (its
        dispatcher died while sending, or the attempt had no clear answer). A channel whose
        provider takes the idempotency key (LINE's retry key) needs nothing more; one whose
        provider does not (SMS) looks for the earlier attempt before sending again (ADR 0044).
        With a reply token, the token itself is the proof (a reply carries no idempotency
        key): it is tried again, and one refused now was spent by that attempt (the message
        counts as delivered); the channel must not send it another way on top."""
        ...

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        """Send the same messages to many recipients (in the channel's largest allowed groups);
        returns each group with its result."""
        ...


class LinkMaker(Protocol):
    """Personal links to the web channel (application/channels/links.py): a channel without
    buttons (SMS, e-mail) renders a message's choices as one link, opened on the resident's web
    page where one tap answers. Signed, single-use, expiring; each call for the same message to
    the same recipient gives the same link (a retried send carries the same one)."""

    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        """The link for the message `message_id` (the outbox row) sent to `recipient` on
        `recipient_channel`."""
        ...


class FriendCheck(Protocol):
    """Whether a LINE user still follows the town's account. LINE accepts a push to a user who
    blocked the account and delivers nothing; only the unfollow event says so, and a webhook
    that was down loses it. LINE's profile API answers 404 for such a user."""

    def is_friend(self, address: str) -> bool | None:
        """True or False, or None when the platform could not tell (an error, a timeout)."""
        ...
