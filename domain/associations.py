"""自治会・町内会 (neighbourhood associations), their members, and the 回覧板 (circulars) a
leader (自治会長) sends them, with who read each one (ADR 0057).

A member is either a registry resident (imported from the association's list by 住民番号, or a
verified resident who joined in the chat) or a channel identity not linked to one (joined in the
chat with the name they gave): exactly one of the two. The name is what a leader sees of them.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define

from domain.errors import InvalidValue

__all__ = [
    "MAX_ASSOCIATION_NAME",
    "MAX_CIRCULAR_BODY",
    "MAX_CIRCULAR_TITLE",
    "MAX_MEMBER_NAME",
    "Association",
    "AssociationMember",
    "Circular",
    "CircularRead",
    "MemberSource",
    "checked_member_name",
]

MAX_ASSOCIATION_NAME = 64
MAX_MEMBER_NAME = 40
MAX_CIRCULAR_TITLE = 60
MAX_CIRCULAR_BODY = 1000


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


class MemberSource(enum.Enum):
    LIST = "list"  # imported from the association's own list (名簿)
    CHAT = "chat"  # joined in the chat


@define(slots=False, eq=False)
class Association:
    id: str
    name: str
    open_to_join: bool  # residents may join it in the chat
    created_at: dt.datetime
    version: int = 1

    @classmethod
    def create(cls, *, id: str, name: str, at: dt.datetime,
               open_to_join: bool = False) -> Association:
        return cls(id=id, name=_checked_name(name), open_to_join=open_to_join, created_at=at)

    def rename(self, name: str) -> None:
        self.name = _checked_name(name)

    def open_for_joining(self, open_to_join: bool) -> None:
        self.open_to_join = bool(open_to_join)


def _checked_name(name: str) -> str:
    name = _one_line(name)
    if not name:
        raise InvalidValue("自治会・町内会の名前を入力してください。")
    if len(name) > MAX_ASSOCIATION_NAME:
        raise InvalidValue(f"自治会・町内会の名前は{MAX_ASSOCIATION_NAME}文字以内で入力して"
                           "ください。")
    return name


def checked_member_name(name: str) -> str:
    name = _one_line(name)
    if not name:
        raise InvalidValue("お名前を入力してください。")
    if len(name) > MAX_MEMBER_NAME:
        raise InvalidValue(f"お名前は{MAX_MEMBER_NAME}文字以内で入力してください。")
    return name


@define(slots=False, eq=False)
class AssociationMember:
    id: str
    association_id: str
    resident_id: str | None
    identity_id: str | None
    name: str
    source: str  # MemberSource's value
    joined_at: dt.datetime

    def __attrs_post_init__(self) -> None:
        if (self.resident_id is None) == (self.identity_id is None):
            raise InvalidValue("会員は住民か、住民に結びついていない連絡先のどちらか一方です。")
        self.name = checked_member_name(self.name)
        MemberSource(self.source)

    @classmethod
    def from_list(cls, *, id: str, association_id: str, resident_id: str, name: str,
                  at: dt.datetime) -> AssociationMember:
        return cls(id=id, association_id=association_id, resident_id=resident_id,
                   identity_id=None, name=name, source=MemberSource.LIST.value, joined_at=at)

    @classmethod
    def resident_joined(cls, *, id: str, association_id: str, resident_id: str, name: str,
                        at: dt.datetime) -> AssociationMember:
        """A verified resident who joined in the chat, as themselves."""
        return cls(id=id, association_id=association_id, resident_id=resident_id,
                   identity_id=None, name=name, source=MemberSource.CHAT.value, joined_at=at)

    @classmethod
    def identity_joined(cls, *, id: str, association_id: str, identity_id: str, name: str,
                        at: dt.datetime) -> AssociationMember:
        """Someone not verified who joined in the chat with the name they gave."""
        return cls(id=id, association_id=association_id, resident_id=None,
                   identity_id=identity_id, name=name, source=MemberSource.CHAT.value,
                   joined_at=at)


@define(slots=False, eq=False)
class Circular:
    """回覧板: what a leader sends every member of their association, once."""

    id: str
    association_id: str
    title: str
    body: str
    sent_by: str  # the leader's staff id
    sent_at: dt.datetime

    def __attrs_post_init__(self) -> None:
        self.title = _one_line(self.title)
        self.body = (self.body or "").strip()
        if not self.title:
            raise InvalidValue("回覧板の件名を入力してください。")
        if len(self.title) > MAX_CIRCULAR_TITLE:
            raise InvalidValue(f"件名は{MAX_CIRCULAR_TITLE}文字以内で入力してください。")
        if not self.body:
            raise InvalidValue("回覧板の本文を入力してください。")
        if len(self.body) > MAX_CIRCULAR_BODY:
            raise InvalidValue(f"本文は{MAX_CIRCULAR_BODY}文字以内で入力してください。")


@define(slots=False, eq=False)
class CircularRead:
    """A member read a circular (one tap of 「読みました」); one per pair, in the database too."""

    circular_id: str
    member_id: str
    read_at: dt.datetime

    @property
    def id(self) -> str:
        return f"{self.circular_id}:{self.member_id}"
