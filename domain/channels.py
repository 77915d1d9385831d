"""Channel identities: a resident's address on a channel (a LINE user id, a phone number, …),
the town's ladder of channels (連絡手段の順番), and a contact's verification by a code."""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata

from attrs import define, field, frozen

from domain.errors import InvalidValue

__all__ = ["CHANNELS", "DEFAULT_LADDER_CHANNELS", "LADDER_CHANNELS", "ChannelIdentity",
           "ContactPreference", "IdentityStatus", "Ladder",
           "channel_label", "email_address", "phone_number"]

CHANNELS = ("line", "sms", "email", "web")
LADDER_CHANNELS = ("line", "sms", "email")  # channels a notice can be pushed on, in any order
DEFAULT_LADDER_CHANNELS = LADDER_CHANNELS  # until the town's staff choose theirs
_LABELS = {"line": "LINE", "sms": "SMS", "email": "メール", "web": "ウェブ", "postal": "郵送"}


def channel_label(channel: str) -> str:
    """What staff and residents call a channel (LINE, SMS, メール, ウェブ, 郵送)."""
    return _LABELS.get(channel, channel)


class IdentityStatus(enum.Enum):
    FOLLOWING = "following"  # 友だち (or a verified phone / address)
    BLOCKED = "blocked"  # ブロック (never push to a blocked user)
    UNREACHABLE = "unreachable"  # 届かない: an unknown number, a hard bounce (ADR 0041)


@define(slots=False, eq=False)
class ChannelIdentity:
    """One per (channel, address). Linked to a resident once they have verified themselves."""

    id: str
    channel: str
    address: str
    status: IdentityStatus
    created_at: dt.datetime
    resident_id: str | None = None
    status_changed_at: dt.datetime | None = None
    # when the resident declined optional messages here (town news by e-mail: the unsubscribe
    # link); notices about their own benefit or certificate still come (ADR 0040)
    optional_declined_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        if not self.channel or not self.address:
            raise InvalidValue("チャネルと宛先が必要です。")

    @classmethod
    def first_seen(cls, *, id: str, channel: str, address: str,
                   at: dt.datetime) -> ChannelIdentity:
        return cls(id=id, channel=channel, address=address, status=IdentityStatus.FOLLOWING,
                   created_at=at, status_changed_at=at)

    @property
    def reachable(self) -> bool:
        return self.status is IdentityStatus.FOLLOWING

    def follow(self, at: dt.datetime) -> None:
        if self.status is not IdentityStatus.FOLLOWING:
            self.status, self.status_changed_at = IdentityStatus.FOLLOWING, at

    def block(self, at: dt.datetime) -> None:
        if self.status is not IdentityStatus.BLOCKED:
            self.status, self.status_changed_at = IdentityStatus.BLOCKED, at

    @property
    def takes_optional(self) -> bool:
        return self.optional_declined_at is None

    def decline_optional(self, at: dt.datetime) -> bool:
        """No more optional messages on this identity; False when it had already declined."""
        if self.optional_declined_at is not None:
            return False
        self.optional_declined_at = at
        return True
    def mark_unreachable(self, at: dt.datetime) -> None:
        """A permanent failure on this address (unknown number, hard bounce): no notice goes
        here again until the resident verifies it again."""
        if self.status is IdentityStatus.FOLLOWING:
            self.status, self.status_changed_at = IdentityStatus.UNREACHABLE, at

    def link(self, resident_id: str) -> None:
        self.resident_id = resident_id

    def unlink(self, at: dt.datetime) -> None:
        """The resident removed this contact: nothing reaches them here any more."""
        self.resident_id, self.status_changed_at = None, at


@define(slots=False, eq=False)
class ContactPreference:
    """What a resident chose to receive: notices that are not essential (a deadline's reminder,
    督促) can be stopped; decisions, payments and what they asked for always come."""

    resident_id: str
    reminders: bool = True
    changed_at: dt.datetime | None = None

    def choose(self, *, reminders: bool, at: dt.datetime) -> bool:
        """Returns whether it changed."""
        if self.reminders is reminders:
            return False
        self.reminders, self.changed_at = reminders, at
        return True


def _ladder(channels: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    found = tuple(channels)
    if not found:
        raise InvalidValue("連絡手段を一つ以上選んでください。")
    unknown = [c for c in found if c not in LADDER_CHANNELS]
    if unknown:
        raise InvalidValue(f"使えない連絡手段です: {'、'.join(unknown)}")
    if len(set(found)) != len(found):
        raise InvalidValue("同じ連絡手段が二度選ばれています。")
    return found


@frozen
class Ladder:
    """The town's order of channels for a notice: the first that reaches a person is used; a
    permanent failure moves the notice to the next; the postal list (郵送) is always last and
    is not a rung of this list."""

    channels: tuple[str, ...] = field(converter=_ladder)

    def after(self, tried: set[str]) -> tuple[str, ...]:
        """The rungs not tried yet, in order."""
        return tuple(c for c in self.channels if c not in tried)

    @property
    def labels(self) -> list[str]:
        return [channel_label(c) for c in self.channels] + [channel_label("postal")]


_E164_JP = re.compile(r"^\+81[1-9]\d{8,9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def phone_number(text: str) -> str:
    """A Japanese phone number as typed (090-1234-5678, ０９０…, +81 90…) in E.164."""
    digits = re.sub(r"[\s\-‐－ー()（）]", "", unicodedata.normalize("NFKC", text))
    if digits.startswith("0") and digits[1:].isdigit():
        digits = "+81" + digits[1:]
    if not _E164_JP.match(digits):
        raise InvalidValue("電話番号の形が正しくありません（例: 090-1234-5678）。")
    return digits


def email_address(text: str) -> str:
    """An e-mail address as typed, checked and lower-cased."""
    address = unicodedata.normalize("NFKC", text).strip().lower()
    if len(address) > 64 or not _EMAIL.match(address):
        raise InvalidValue("メールアドレスの形が正しくありません（例: taro@example.jp）。")
    return address
