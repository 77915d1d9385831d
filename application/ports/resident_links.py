"""Where personal links and sign-in codes for the web channel are kept (table `resident_links`):
server-side, so that a link used once, or expired, is refused however it is signed."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Protocol

from attrs import frozen

__all__ = ["LinkPurpose", "LinkStore", "ResidentLink"]


class LinkPurpose(enum.Enum):
    MESSAGE = "message"  # opens the web page on one message (a notice sent by SMS or e-mail)
    SIGN_IN = "sign_in"  # opens the web page, signed in
    CODE = "code"  # a one-time code sent to a phone or an address, typed on the page


@frozen
class ResidentLink:
    id: str  # random-looking, url-safe; the link carries it with its signature
    purpose: LinkPurpose
    identity_id: str | None  # whose (the recipient's channel identity); None: a code sent nowhere
    created_at: dt.datetime
    expires_at: dt.datetime
    message_id: str | None = None  # MESSAGE: the outbox row the link was sent in
    code_digest: str = ""  # CODE: an HMAC of the code, never the code
    attempts: int = 0  # CODE: wrong codes typed so far
    used_at: dt.datetime | None = None


class LinkStore(Protocol):
    def add(self, link: ResidentLink) -> bool:
        """Keeps a new link; False (and nothing changed) when one with its id is there."""
        ...

    def get(self, link_id: str) -> ResidentLink | None: ...

    def use(self, link_id: str, *, at: dt.datetime) -> bool:
        """Marks the link used, in one statement: True for the one caller that did; False when
        it was used already (or is unknown)."""
        ...

    def count_attempt(self, link_id: str) -> int:
        """One more wrong code typed: the attempts so far (0 for an unknown link)."""
        ...
