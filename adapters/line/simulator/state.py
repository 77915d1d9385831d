"""The simulated LINE users (residents with a phone), the reply tokens issued with webhook events,
and the images residents upload. Every structure is shared by the server's threads, so each
guards itself with a lock."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from attrs import define

from adapters.line.simulator.ids import reply_token, user_id_for

__all__ = [
    "DEMO_NAMES",
    "AlreadyFollowing",
    "ImageStore",
    "NotFollowing",
    "ReplyTokens",
    "SimulatedUser",
    "UnknownUser",
    "UserDirectory",
    "bulk_name",
    "sniff_image_type",
]

DEMO_NAMES = ("山田 太郎", "佐藤 花子", "鈴木 一郎", "高橋 美咲", "田中 健太", "伊藤 さくら")
_FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
_GIVEN = ("大翔", "陽菜", "蓮", "結衣", "湊", "葵", "悠真", "美桜", "颯太", "凛")


class UnknownUser(LookupError):
    """No simulated user has this id."""


class NotFollowing(Exception):
    """The user has not added the account as a friend (or has blocked it)."""


class AlreadyFollowing(Exception):
    """The user is already a friend of the account."""


@define(slots=False, eq=False)
class SimulatedUser:
    user_id: str
    display_name: str
    language: str = "ja"
    following: bool = False
    blocked: bool = False  # followed once, then blocked (unfollowed)

    def profile(self) -> dict[str, str]:
        return {"userId": self.user_id, "displayName": self.display_name,
                "language": self.language}

    def to_json(self) -> dict[str, object]:
        return {"userId": self.user_id, "displayName": self.display_name,
                "language": self.language, "following": self.following,
                "blocked": self.blocked}


def bulk_name(index: int) -> str:
    family = _FAMILY[index % len(_FAMILY)]
    given = _GIVEN[index // len(_FAMILY) % len(_GIVEN)]
    return f"{family} {given}{index // (len(_FAMILY) * len(_GIVEN)) or ''}"


class UserDirectory:
    def __init__(self) -> None:
        self._users: dict[str, SimulatedUser] = {}
        self._lock = threading.Lock()

    def create(self, display_name: str, *, following: bool = False,
               user_id: str | None = None) -> SimulatedUser:
        user = SimulatedUser(user_id or "U" + secrets.token_hex(16), display_name,
                             following=following)
        with self._lock:
            self._users.setdefault(user.user_id, user)
            return self._users[user.user_id]

    def seed(self, namespace: str, *, demo: bool, bulk: int, bulk_following: bool) -> list[str]:
        """Demo residents and `bulk` benchmark users with ids stable for one namespace (the
        channel), so a restarted simulator still knows the ids Madoguchi stored. Returns the
        benchmark users' ids in order."""
        if demo:
            for name in DEMO_NAMES:
                self.create(name, user_id=user_id_for(f"{namespace}:demo:{name}"))
        return [self.create(bulk_name(index), following=bulk_following,
                            user_id=user_id_for(f"{namespace}:bulk:{index}")).user_id
                for index in range(bulk)]

    def get(self, user_id: str) -> SimulatedUser | None:
        return self._users.get(user_id)

    def require(self, user_id: str) -> SimulatedUser:
        user = self._users.get(user_id)
        if user is None:
            raise UnknownUser(user_id)
        return user

    def all(self) -> list[SimulatedUser]:
        with self._lock:
            return list(self._users.values())

    def follow(self, user_id: str) -> bool:
        """Mark the user a friend; True when this undoes a block (`isUnblocked`)."""
        with self._lock:
            user = self.require(user_id)
            if user.following:
                raise AlreadyFollowing(user_id)
            unblocked, user.following, user.blocked = user.blocked, True, False
            return unblocked

    def unfollow(self, user_id: str) -> None:
        with self._lock:
            user = self.require(user_id)
            if not user.following:
                raise NotFollowing(user_id)
            user.following, user.blocked = False, True

    def require_following(self, user_id: str) -> SimulatedUser:
        user = self.require(user_id)
        if not user.following:
            raise NotFollowing(user_id)
        return user


class ReplyTokens:
    """A reply token answers once, within `ttl` seconds of the event that carried it."""

    def __init__(self, ttl: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._issued: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def issue(self, user_id: str) -> str:
        token = reply_token()
        with self._lock:
            now = self._clock()
            self._forget_expired(now)
            self._issued[token] = (user_id, now + self.ttl)
        return token

    def redeem(self, token: object) -> str | None:
        """The user the token replies to, or None if it is unknown, used or expired."""
        if not isinstance(token, str):
            return None
        with self._lock:
            issued = self._issued.pop(token, None)
            if issued is None or self._clock() >= issued[1]:
                return None
            return issued[0]

    def reset(self) -> None:
        with self._lock:
            self._issued.clear()

    def _forget_expired(self, now: float) -> None:
        while self._issued:
            token, (_, expires) = next(iter(self._issued.items()))
            if expires > now:
                return
            del self._issued[token]


class ImageStore:
    """What residents uploaded, served at `/v2/bot/message/{id}/content` as LINE does."""

    def __init__(self) -> None:
        self._images: dict[str, tuple[bytes, str]] = {}
        self._lock = threading.Lock()

    def put(self, message_id: str, data: bytes, content_type: str) -> None:
        with self._lock:
            self._images[message_id] = (data, content_type)

    def get(self, message_id: str) -> tuple[bytes, str] | None:
        return self._images.get(message_id)


def sniff_image_type(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"
