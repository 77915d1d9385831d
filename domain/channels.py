"""Channel identities: a resident's address on a channel (a LINE user id, a phone number, …)."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define

from domain.errors import InvalidValue

__all__ = ["ChannelIdentity", "IdentityStatus"]


class IdentityStatus(enum.Enum):
    FOLLOWING = "following"  # 友だち
    BLOCKED = "blocked"  # ブロック (never push to a blocked user)


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

    def link(self, resident_id: str) -> None:
        self.resident_id = resident_id
