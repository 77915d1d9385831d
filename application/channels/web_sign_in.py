"""Signing a browser in to the web channel (ADR 0038): as a new web identity (start fresh, then
本人確認 with the card as on LINE), as the web identity of the resident a personal link was sent
to, or by a one-time code sent to the resident's phone or e-mail identity.

A resident has one web identity (channel `web`, an opaque random address): every browser they
sign in on shares its conversation and its messages. The address is the only thing the
browser's cookie carries; it says nothing about the person.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import re
import secrets
import unicodedata
from collections.abc import Callable

from attrs import frozen

from application.messaging.outbox import OutboxMessage
from application.ports.clock import Clock, IdGenerator
from application.ports.messaging import OutgoingMessage
from application.ports.resident_links import LinkPurpose, LinkStore, ResidentLink
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity
from domain.errors import InvalidValue

__all__ = ["WEB", "CodeCheck", "CodeRefusal", "SignInCodes", "address_of", "new_web_identity",
           "sign_in_as", "someone_else", "start_fresh", "web_identity_for"]

WEB = "web"
CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_CODE_ATTEMPTS = 5
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$")
_JAPANESE_MOBILE_OR_FIXED = re.compile(r"^\+81[1-9]\d{8,9}$")


def address_of(typed: str) -> tuple[str, str]:
    """(channel, address) of what a resident typed: an e-mail address (lower-cased) or a
    Japanese phone number in E.164 (090-1234-5678 → +819012345678). Anything else is refused
    with a message that says what to type."""
    text = unicodedata.normalize("NFKC", typed).strip()
    if "@" in text:
        if not _EMAIL.match(text) or len(text) > 64:
            raise InvalidValue("メールアドレスの形が正しくありません（例: hanako@example.jp）。")
        return "email", text.lower()
    digits = re.sub(r"[\s\-()]", "", text)
    if digits.startswith("0") and digits.isdecimal():
        digits = "+81" + digits[1:]
    if not _JAPANESE_MOBILE_OR_FIXED.match(digits):
        raise InvalidValue("電話番号の形が正しくありません（例: 090-1234-5678）。")
    return "sms", digits


def _new_address() -> str:
    return "w" + secrets.token_urlsafe(24)


def new_web_identity(*, uow: UnitOfWork, ids: IdGenerator, clock: Clock) -> ChannelIdentity:
    """A new web identity, linked to nobody yet (in the caller's transaction)."""
    identity = ChannelIdentity.first_seen(id=ids.new_id(), channel=WEB, address=_new_address(),
                                          at=clock.now())
    uow.channel_identities.add(identity)
    return identity


def web_identity_for(source_id: str | None, *, uow: UnitOfWork, ids: IdGenerator,
                     clock: Clock) -> ChannelIdentity:
    """The web identity of the resident `source_id` (a channel identity) is linked to, made and
    linked when they have none; a new unlinked one when the source is linked to nobody. In the
    caller's transaction."""
    source = uow.channel_identities.get(source_id) if source_id else None
    if source is not None and source.channel == WEB:
        return source
    resident_id = source.resident_id if source is not None else None
    if resident_id is not None:
        for identity in uow.channel_identities.linked_to(resident_id):
            if identity.channel == WEB:
                return identity
    identity = new_web_identity(uow=uow, ids=ids, clock=clock)
    if resident_id is not None:
        identity.link(resident_id)
    return identity


def start_fresh(*, uow: UnitOfWork, ids: IdGenerator, clock: Clock) -> str:
    """A new web identity for a browser starting fresh; its address."""
    with uow:
        identity = new_web_identity(uow=uow, ids=ids, clock=clock)
        uow.commit()
        return identity.address


def sign_in_as(identity_id: str | None, *, uow: UnitOfWork, ids: IdGenerator,
               clock: Clock) -> str:
    """The address of the web identity a browser signs in as, for the resident `identity_id`
    (a phone's, an address's) is linked to (see `web_identity_for`)."""
    with uow:
        web = web_identity_for(identity_id, uow=uow, ids=ids, clock=clock)
        uow.commit()
        return web.address


def someone_else(web_address: str | None, identity_id: str | None, *, uow: UnitOfWork) -> bool:
    """The browser is signed in as a resident other than the one `identity_id` is linked to (a
    link forwarded to, or opened on the phone of, someone else)."""
    if not web_address or not identity_id:
        return False
    with uow:
        signed_in = uow.channel_identities.get_by_address(WEB, web_address)
        recipient = uow.channel_identities.get(identity_id)
    if signed_in is None or signed_in.resident_id is None or recipient is None:
        return False
    return signed_in.resident_id != recipient.resident_id


class CodeRefusal(enum.Enum):
    WRONG = "wrong"
    EXPIRED = "expired"
    TOO_MANY = "too_many"

    @property
    def message(self) -> str:
        return {
            "wrong": "コードが違います。届いたメッセージの6桁の数字を入力してください。",
            "expired": "コードの有効期限（10分）が切れています。もう一度コードを受け取って"
                       "ください。",
            "too_many": "コードを続けて間違えたため、このコードは使えなくなりました。もう一度"
                        "コードを受け取ってください。",
        }[self.value]


@frozen
class CodeCheck:
    identity_id: str | None  # the phone's or address's identity, when the code was right
    refusal: CodeRefusal | None = None


class SignInCodes:
    """One-time codes to sign in: sent through the outbox on the resident's own channel."""

    def __init__(self, store: LinkStore, *, secret_key: str, town_name: str, clock: Clock,
                 ids: IdGenerator, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._store, self._clock, self._ids, self._uow_factory = store, clock, ids, uow_factory
        self._key = hashlib.sha256(f"sign-in-code:{secret_key}".encode()).digest()
        self._town = town_name

    def send(self, typed: str) -> str:
        """Sends a code to the identity at this address when the town knows one linked to a
        resident, and returns the attempt's id either way (the page never says whether an
        address is known). Raises InvalidValue for what is no address."""
        channel, address = address_of(typed)
        attempt_id = secrets.token_urlsafe(16)[:22]
        code = f"{secrets.randbelow(1_000_000):06d}"
        now = self._clock.now()
        with self._uow_factory() as uow:
            identity = uow.channel_identities.get_by_address(channel, address)
            known = identity is not None and identity.resident_id is not None \
                and identity.reachable
            self._store.add(ResidentLink(
                id=attempt_id, purpose=LinkPurpose.CODE,
                identity_id=identity.id if known and identity else None, created_at=now,
                expires_at=now + CODE_LIFETIME, code_digest=self._digest(attempt_id, code)))
            if known and identity is not None:
                uow.outbox.add(OutboxMessage.of(
                    [OutgoingMessage(text=f"{self._town}の窓口 ログイン用コード: {code}\n"
                                          "10分間有効です。このコードを他の人に教えないで"
                                          "ください。")],
                    id=self._ids.new_id(), channel=channel, recipient=address, at=now))
                uow.commit()
        return attempt_id

    def check(self, attempt_id: str, typed: str) -> CodeCheck:
        """The identity the code was sent to, once, when it is right; otherwise why not. Five
        wrong codes use the attempt up."""
        attempt = self._store.get(attempt_id)
        if attempt is None or attempt.purpose is not LinkPurpose.CODE:
            return CodeCheck(None, CodeRefusal.EXPIRED)
        if attempt.used_at is not None or attempt.attempts >= MAX_CODE_ATTEMPTS:
            return CodeCheck(None, CodeRefusal.TOO_MANY)
        if self._clock.now() >= attempt.expires_at:
            return CodeCheck(None, CodeRefusal.EXPIRED)
        code = unicodedata.normalize("NFKC", typed).strip()
        right = hmac.compare_digest(self._digest(attempt_id, code), attempt.code_digest)
        if not right or attempt.identity_id is None:
            tried = self._store.count_attempt(attempt_id)
            return CodeCheck(None, CodeRefusal.TOO_MANY if tried >= MAX_CODE_ATTEMPTS
                             else CodeRefusal.WRONG)
        if not self._store.use(attempt_id, at=self._clock.now()):
            return CodeCheck(None, CodeRefusal.TOO_MANY)
        return CodeCheck(attempt.identity_id)

    def _digest(self, attempt_id: str, code: str) -> str:
        return hmac.new(self._key, f"{attempt_id}:{code}".encode(), hashlib.sha256).hexdigest()
