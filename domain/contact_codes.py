"""A phone number or an e-mail address that a resident adds, verified by a 6-digit code sent
on that channel (確認コード). Only a verified contact becomes a channel identity of the resident.

The code is kept hashed (with the row's id as salt); it expires after 10 minutes, allows 5 tries,
and can be sent again at most 3 times (ADR 0041)."""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import secrets
import unicodedata

from attrs import define

from domain.errors import IllegalTransition, InvalidValue

__all__ = ["CODE_LIFETIME", "MAX_SENDS", "MAX_TRIES", "CodeCheck", "ContactCode", "new_code"]

CODE_LIFETIME = dt.timedelta(minutes=10)
MAX_TRIES = 5
MAX_SENDS = 3


def new_code() -> str:
    """Six random digits."""
    return f"{secrets.randbelow(10 ** 6):06d}"


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


class CodeCheck(enum.Enum):
    VERIFIED = "verified"
    WRONG = "wrong"  # tries left
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"  # no tries left: start again


@define(slots=False, eq=False)
class ContactCode:
    id: str
    resident_id: str
    channel: str  # sms or email
    address: str  # E.164 or a lower-cased address
    code_hash: str
    created_at: dt.datetime
    expires_at: dt.datetime
    tries: int = 0
    sends: int = 1
    verified_at: dt.datetime | None = None

    @classmethod
    def issue(cls, *, id: str, resident_id: str, channel: str, address: str, code: str,
              at: dt.datetime) -> ContactCode:
        if channel not in ("sms", "email"):
            raise InvalidValue("確認コードで確かめる連絡先は電話番号かメールアドレスです。")
        return cls(id=id, resident_id=resident_id, channel=channel, address=address,
                   code_hash=_hash(id, code), created_at=at, expires_at=at + CODE_LIFETIME)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def resend(self, code: str, at: dt.datetime) -> None:
        """A new code (the old one stops working), at most MAX_SENDS codes in all."""
        if self.verified:
            raise IllegalTransition("この連絡先は確認済みです。")
        if self.sends >= MAX_SENDS:
            raise IllegalTransition("確認コードの再送は上限に達しました。最初からやり直して"
                                    "ください。", code="resend_limit")
        self.sends += 1
        self.code_hash, self.expires_at, self.tries = _hash(self.id, code), at + CODE_LIFETIME, 0

    def check(self, typed: str, at: dt.datetime) -> CodeCheck:
        if self.verified:
            return CodeCheck.VERIFIED
        if at >= self.expires_at:
            return CodeCheck.EXPIRED
        if self.tries >= MAX_TRIES:
            return CodeCheck.EXHAUSTED
        self.tries += 1
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", typed) if ch.isdigit())
        if hmac.compare_digest(_hash(self.id, digits), self.code_hash):
            self.verified_at = at
            return CodeCheck.VERIFIED
        return CodeCheck.EXHAUSTED if self.tries >= MAX_TRIES else CodeCheck.WRONG

    @property
    def tries_left(self) -> int:
        return max(MAX_TRIES - self.tries, 0)
