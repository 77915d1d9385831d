"""`LineSimulator`: the LINE platform on a laptop. It holds the simulated users, answers the
Messaging API (through `.app`, a WSGI app) and sends signed webhooks when a user acts.

Everything the admin endpoints do is also a method here, so benchmarks can fire events without
an HTTP round trip to the simulator.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

from flask import Flask

from adapters.line.simulator.chat_marks import ChatMarks
from adapters.line.simulator.ids import message_ids, user_id_for
from adapters.line.simulator.limits import FaultInjector, Faults, SlidingWindowLimiter
from adapters.line.simulator.messaging import PlatformApi
from adapters.line.simulator.recording import Delivery, Recorder
from adapters.line.simulator.residents import ResidentActions, WebhookOutcome
from adapters.line.simulator.rich_menus import RichMenuPlatform
from adapters.line.simulator.server import create_app
from adapters.line.simulator.state import (
    ImageStore,
    ReplyTokens,
    SimulatedUser,
    UserDirectory,
)
from adapters.line.simulator.webhooks import EventLog, SignedWebhook, WebhookSender

__all__ = ["LineSimulator"]


class LineSimulator:
    """The LINE platform for one channel (one official account).

    `users` pre-creates that many users with stable ids (friends already when `users_following`)
    for benchmarks; `demo_users` adds six residents with Japanese names who have not yet added
    the account. Faults apply to push and multicast: `error_rate` answers 500 without recording,
    `lost_response_rate` answers 500 after recording (the retry then gets 409).
    """

    def __init__(self, channel_secret: str, access_token: str, webhook_url: str | None = None,
                 *, reply_token_ttl: float = 60.0, push_rate: int = 2000,
                 multicast_rate: int = 200, users: int = 0, users_following: bool = True,
                 demo_users: bool = True, error_rate: float = 0.0,
                 lost_response_rate: float = 0.0, fault_status: int = 500,
                 seed: int | None = None, webhook_timeout: float = 10.0,
                 bot_name: str = "見本町役場", clock: Callable[[], float] = time.monotonic) -> None:
        if not channel_secret or not access_token:
            raise ValueError("a channel secret and an access token are needed")
        namespace = hashlib.sha256(channel_secret.encode()).hexdigest()[:16]
        self.channel_secret, self.access_token = channel_secret, access_token
        self.bot_user_id = user_id_for(f"{namespace}:bot")
        self.bot_name = bot_name
        self.base_url: str | None = None  # set while served (see `running`)
        self._faults_at_start = Faults(error_rate, lost_response_rate, fault_status, seed)
        self._webhook_timeout = webhook_timeout
        counter = message_ids()
        next_message_id: Callable[[], str] = lambda: str(next(counter))  # noqa: E731

        self.users = UserDirectory()
        # the ids of the `users` pre-created users, in order (stable for one channel secret)
        self.bulk_user_ids: list[str] = self.users.seed(namespace, demo=demo_users, bulk=users,
                                             bulk_following=users_following)
        self.recorder = Recorder()
        self.faults = FaultInjector(self._faults_at_start)
        self.chat_marks = ChatMarks()  # loading dots and 既読 (mark-as-read mode: manual)
        self._tokens = ReplyTokens(reply_token_ttl, clock)
        self._images = ImageStore()
        self._events = EventLog()
        self._limiters = (SlidingWindowLimiter(push_rate, clock=clock),
                          SlidingWindowLimiter(multicast_rate, clock=clock))
        self.api = PlatformApi(
            access_token=access_token, users=self.users, recorder=self.recorder,
            tokens=self._tokens, images=self._images, faults=self.faults,
            push_limiter=self._limiters[0], multicast_limiter=self._limiters[1],
            next_message_id=next_message_id,
            bot_info={"userId": self.bot_user_id, "basicId": "@madoguchi-sim",
                      "displayName": bot_name, "chatMode": "bot", "markAsReadMode": "manual"})
        self.rich_menus = RichMenuPlatform(self.users)
        self.actions = ResidentActions(
            channel_secret=channel_secret, destination=self.bot_user_id, users=self.users,
            recorder=self.recorder, tokens=self._tokens, images=self._images,
            events=self._events, next_message_id=next_message_id, sender=None,
            marks=self.chat_marks)
        self.set_webhook_url(webhook_url)

    @cached_property
    def app(self) -> Flask:
        return create_app(self)

    # configuration

    @property
    def webhook_url(self) -> str | None:
        sender = self.actions.sender
        return sender.url if sender else None

    def set_webhook_url(self, url: str | None) -> None:
        self.actions.sender = WebhookSender(url, timeout=self._webhook_timeout) if url else None

    def set_faults(self, faults: Faults) -> None:
        self.faults.configure(faults)

    # users and what they do (each sends a signed webhook and waits for its answer)

    def add_user(self, display_name: str, *, following: bool = False) -> SimulatedUser:
        return self.users.create(display_name, following=following)

    def follow(self, user_id: str) -> WebhookOutcome:
        return self.actions.follow(user_id)

    def unfollow(self, user_id: str) -> WebhookOutcome:
        return self.actions.unfollow(user_id)

    def send_text(self, user_id: str, text: str) -> WebhookOutcome:
        return self.actions.text(user_id, text)

    def send_image(self, user_id: str, data: bytes,
                   content_type: str | None = None) -> WebhookOutcome:
        return self.actions.image(user_id, data, content_type)

    def send_location(self, user_id: str, *, latitude: float, longitude: float,
                      address: str = "", title: str = "位置情報") -> WebhookOutcome:
        return self.actions.location(user_id, latitude=latitude, longitude=longitude,
                                     address=address, title=title)

    def postback(self, user_id: str, data: str,
                 display_text: str | None = None) -> WebhookOutcome:
        return self.actions.postback(user_id, data, display_text)

    def switch_rich_menu(self, user_id: str, alias_id: str, data: str) -> WebhookOutcome:
        """A richmenuswitch tile tapped: the user's menu becomes the alias's, and the postback
        LINE sends follows (params.newRichMenuAliasId and params.status)."""
        self.users.require_following(user_id)
        status = self.rich_menus.switch(user_id, alias_id)
        return self.actions.postback(user_id, data, params={"newRichMenuAliasId": alias_id,
                                                            "status": status})

    def redeliver(self, webhook_event_id: str) -> WebhookOutcome:
        return self.actions.redeliver(webhook_event_id)

    def event(self, webhook_event_id: str) -> dict[str, Any] | None:
        """The webhook event as it was sent (None: not sent, or forgotten)."""
        return self._events.sent(webhook_event_id)

    def signed_webhook(self, events: list[dict[str, Any]]) -> SignedWebhook:
        """A body and signature for events, for callers that send webhooks their own way."""
        return self.actions.signed(events)

    # what happened

    def conversation(self, user_id: str, *, after: int = 0) -> dict[str, Any]:
        """With the chat's signs: the event ids marked read, when loading dots show."""
        return self.recorder.conversation(user_id, after=after) | self.chat_marks.of(user_id)

    def received(self, user_id: str) -> list[dict[str, Any]]:
        """The messages delivered to the user, oldest first, as `GET /_sim/messages` shows."""
        return self.recorder.conversation(user_id)["messages"]

    def deliveries(self) -> list[Delivery]:
        return self.recorder.deliveries()

    def stats(self) -> dict[str, Any]:
        return self.recorder.stats()

    def reset(self) -> None:
        """Forget recordings, counters, retry keys, reply tokens, sent events and rate windows,
        and restore the faults given at start. Users and their friendship stay."""
        self.recorder.reset()
        self.chat_marks.reset()
        self._tokens.reset()
        self._events.reset()
        for limiter in self._limiters:
            limiter.reset()
        self.faults.configure(self._faults_at_start)


def bulk_user_ids(channel_secret: str, count: int) -> list[str]:
    """The ids of the `count` benchmark users a simulator with this channel secret creates
    (`users=count`), without running one: a load generator in another process can use them."""
    namespace = hashlib.sha256(channel_secret.encode()).hexdigest()[:16]
    return [user_id_for(f"{namespace}:bulk:{index}") for index in range(count)]
