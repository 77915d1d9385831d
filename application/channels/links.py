"""Personal links to the web channel (ADR 0038): what an SMS or an e-mail gives instead of
buttons. A link is signed (an HMAC with the town's secret), single-use and expiring (7 days by
default), and stored server-side (`resident_links`), so a link used once, expired, or never
made is refused with the reason, and changes nothing.

The token (in the link's query string, which access logs leave out) is the link's id (22
characters) followed by its signature (22 more): a forged or altered token fails the signature
before any look-up. A link for a message is derived from the recipient and the message, so a
retried send (the same outbox row) carries the same link; the id never says who it is for.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import hashlib
import hmac
import secrets
from collections.abc import Callable

from attrs import frozen

from application.ports.clock import Clock
from application.ports.resident_links import LinkPurpose, LinkStore, ResidentLink
from application.ports.unit_of_work import UnitOfWork

__all__ = ["LINK_LIFETIME", "LinkCheck", "LinkRefusal", "PersonalLinks"]

LINK_LIFETIME = dt.timedelta(days=7)
_PART = 22  # characters of the id, and of the signature (about 131 bits each)


class LinkRefusal(enum.Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"

    @property
    def message(self) -> str:
        return {
            "unknown": "このリンクは正しくありません。お知らせに書かれたリンクをそのまま開くか、"
                       "窓口のページでコードを受け取ってログインしてください。",
            "used": "このリンクはすでに使われています。リンクは一度だけ使えます。窓口のページで"
                    "コードを受け取ってログインすると、続きができます。",
            "expired": "このリンクは有効期限が切れています。窓口のページでコードを受け取って"
                       "ログインすると、続きができます。",
        }[self.value]


@frozen
class LinkCheck:
    link: ResidentLink | None
    refusal: LinkRefusal | None = None

    @property
    def ok(self) -> bool:
        return self.refusal is None


def _b64(digest: bytes) -> str:
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")[:_PART]


class PersonalLinks:
    """Makes and checks personal links (the `LinkMaker` port the SMS and e-mail channels use)."""

    def __init__(self, store: LinkStore, *, secret_key: str, public_url: str, clock: Clock,
                 uow_factory: Callable[[], UnitOfWork],
                 lifetime: dt.timedelta = LINK_LIFETIME, liff_id: str = "") -> None:
        self._store, self._clock, self._uow_factory = store, clock, uow_factory
        self._key = hashlib.sha256(f"resident-link:{secret_key}".encode()).digest()
        self._base = public_url.rstrip("/")
        self.lifetime = lifetime
        self._liff_id = liff_id

    # -- making ------------------------------------------------------------------------------

    def link_for(self, recipient_channel: str, recipient: str, message_id: str) -> str:
        """The link for a message sent to this address (LinkMaker). An address nobody has an
        identity for gets a link that opens nothing in particular (it signs in nobody)."""
        with self._uow_factory() as uow:
            identity = uow.channel_identities.get_by_address(recipient_channel, recipient)
            identity_id = identity.id if identity is not None else None
        link = self.personal_link(identity_id, LinkPurpose.MESSAGE.value, message_id=message_id)
        if recipient_channel != "line" or not self._liff_id:
            return link
        # Inside LINE's in-app browser, as the LIFF app: LIFF appends the path to its endpoint,
        # MADOGUCHI_PUBLIC_URL/r (ADR 0038).
        return f"https://liff.line.me/{self._liff_id}/l?{link.partition('?')[2]}"

    def personal_link(self, identity_id: str | None, purpose: str, *,
                      message_id: str | None) -> str:
        """A new link for this identity (the same one again for the same message)."""
        kind = LinkPurpose(purpose)
        if message_id is not None:
            link_id = self._sign(f"id:{identity_id}:{message_id}")
        else:
            link_id = secrets.token_urlsafe(16)[:_PART]
        now = self._clock.now()
        self._store.add(ResidentLink(id=link_id, purpose=kind, identity_id=identity_id,
                                     message_id=message_id, created_at=now,
                                     expires_at=now + self.lifetime))
        return f"{self._base}/r/l?t={self.token(link_id)}"  # a query: never in access logs

    def token(self, link_id: str) -> str:
        return link_id + self._sign(f"sig:{link_id}")

    def _sign(self, text: str) -> str:
        return _b64(hmac.new(self._key, text.encode(), hashlib.sha256).digest())

    # -- opening -----------------------------------------------------------------------------

    def check(self, token: str) -> LinkCheck:
        """What the link is, or why it is refused; changes nothing (opening a link only shows
        it: a mail scanner fetching it must not use it up)."""
        link_id = self._id_of(token)
        link = self._store.get(link_id) if link_id else None
        if link is None or link.purpose is LinkPurpose.CODE:
            return LinkCheck(None, LinkRefusal.UNKNOWN)
        if link.used_at is not None:
            return LinkCheck(link, LinkRefusal.USED)
        if self._clock.now() >= link.expires_at:
            return LinkCheck(link, LinkRefusal.EXPIRED)
        return LinkCheck(link)

    def use(self, token: str) -> LinkCheck:
        """Uses the link up: of two uses at once, one wins and the other is refused as used."""
        checked = self.check(token)
        if not checked.ok or checked.link is None:
            return checked
        if not self._store.use(checked.link.id, at=self._clock.now()):
            return LinkCheck(checked.link, LinkRefusal.USED)
        return checked

    def _id_of(self, token: str) -> str | None:
        if len(token) != 2 * _PART:
            return None
        link_id, signature = token[:_PART], token[_PART:]
        if not hmac.compare_digest(self._sign(f"sig:{link_id}"), signature):
            return None
        return link_id
