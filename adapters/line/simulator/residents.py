"""What a simulated resident does on the phone, each turned into a signed webhook: add the account
as a friend, block it, send a text, a photo or a place, tap a postback button. Sending waits for the
webhook's answer and records its status, so a test sees the effect at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attrs import frozen

from adapters.line.simulator.chat_marks import ChatMarks
from adapters.line.simulator.ids import UlidFactory, quote_token
from adapters.line.simulator.recording import Recorder, UserAction
from adapters.line.simulator.state import (
    ImageStore,
    ReplyTokens,
    UserDirectory,
    sniff_image_type,
)
from adapters.line.simulator.webhooks import (
    EventLog,
    SignedWebhook,
    WebhookResult,
    WebhookSender,
    make_event,
    signed,
)

__all__ = ["ResidentActions", "UnknownEvent", "WebhookOutcome"]


class UnknownEvent(LookupError):
    """No event with this webhook event id was sent (or it has been forgotten)."""


@frozen
class WebhookOutcome:
    webhook_event_id: str
    status: int | None  # the webhook's HTTP status; None when not sent or not answered
    error: str | None = None
    reply_token: str | None = None

    def to_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {"webhookEventId": self.webhook_event_id, "status": self.status}
        if self.error:
            answer["error"] = self.error
        return answer


class ResidentActions:
    def __init__(self, *, channel_secret: str, destination: str, users: UserDirectory,
                 recorder: Recorder, tokens: ReplyTokens, images: ImageStore, events: EventLog,
                 next_message_id: Callable[[], str], sender: WebhookSender | None,
                 marks: ChatMarks | None = None) -> None:
        self._secret, self.destination = channel_secret, destination
        self._users, self._recorder, self._tokens = users, recorder, tokens
        self._images, self._events = images, events
        self._next_message_id = next_message_id
        self.sender, self.marks = sender, marks
        self._ulids = UlidFactory()

    def follow(self, user_id: str) -> WebhookOutcome:
        unblocked = self._users.follow(user_id)
        return self._act(user_id, "follow", "follow", {"follow": {"isUnblocked": unblocked}},
                         reply=True)

    def unfollow(self, user_id: str) -> WebhookOutcome:
        self._users.unfollow(user_id)
        return self._act(user_id, "unfollow", "unfollow", {}, reply=False)

    def text(self, user_id: str, text: str) -> WebhookOutcome:
        if not text:
            raise ValueError("empty text")
        self._users.require_following(user_id)
        message_id = self._next_message_id()
        message = {"type": "text", "id": message_id, "quoteToken": quote_token(message_id),
                   "text": text}
        return self._act(user_id, "text", "message", {"message": message}, reply=True,
                         text=text)

    def image(self, user_id: str, data: bytes, content_type: str | None = None) -> WebhookOutcome:
        if not data:
            raise ValueError("empty image")
        self._users.require_following(user_id)
        message_id = self._next_message_id()
        self._images.put(message_id, data, content_type or sniff_image_type(data))
        message = {"type": "image", "id": message_id, "quoteToken": quote_token(message_id),
                   "contentProvider": {"type": "line"}}
        return self._act(user_id, "image", "message", {"message": message}, reply=True,
                         image_id=message_id)

    def location(self, user_id: str, *, latitude: float, longitude: float, address: str = "",
                 title: str = "位置情報") -> WebhookOutcome:
        """A location message, as LINE's location picker sends it (any point: the bot is the one
        to refuse a point outside Japan)."""
        for name, value, limit in (("latitude", latitude, 90), ("longitude", longitude, 180)):
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not -limit <= value <= limit:
                raise ValueError(f"{name} must be a number from -{limit} to {limit}")
        self._users.require_following(user_id)
        message_id = self._next_message_id()
        message = {"type": "location", "id": message_id, "title": title or "位置情報",
                   "address": address, "latitude": latitude, "longitude": longitude}
        shown = f"📍 {address or title}（{latitude}, {longitude}）"
        return self._act(user_id, "location", "message", {"message": message}, reply=True,
                         text=shown)

    def postback(self, user_id: str, data: str, display_text: str | None = None, *,
                 params: dict[str, str] | None = None) -> WebhookOutcome:
        """`params`: what LINE adds for some actions (a richmenuswitch's newRichMenuAliasId and
        status)."""
        self._users.require_following(user_id)
        postback: dict[str, Any] = {"data": data}
        if params:
            postback["params"] = dict(params)
        return self._act(user_id, "postback", "postback", {"postback": postback},
                         reply=True, data=data, display_text=display_text)

    def redeliver(self, event_id: str) -> WebhookOutcome:
        """The same event again, with the same id and `deliveryContext.isRedelivery` true."""
        event = self._events.redelivery_of(event_id)
        if event is None:
            raise UnknownEvent(event_id)
        result = self.dispatch([event])
        self._recorder.webhook_result(None, result.status, result.error)
        return WebhookOutcome(event_id, result.status, result.error, event.get("replyToken"))

    def signed(self, events: list[dict[str, Any]]) -> SignedWebhook:
        return signed(self._secret, self.destination, events)

    def dispatch(self, events: list[dict[str, Any]]) -> WebhookResult:
        """Send events as one webhook (not recorded as user actions)."""
        if self.sender is None:
            return WebhookResult(None)
        return self.sender.send(self.signed(events))

    def _act(self, user_id: str, kind: str, event_type: str, content: dict[str, Any], *,
             reply: bool, **details: str | None) -> WebhookOutcome:
        event_id = self._ulids.new()
        token = self._tokens.issue(user_id) if reply else None
        if event_type == "message" and self.marks is not None:  # read when the bot says so
            content["message"]["markAsReadToken"] = self.marks.issue(user_id, event_id)
        event = make_event(event_type, user_id, event_id, reply_token=token, **content)
        self._events.add(event)
        action: UserAction = self._recorder.record_action(user_id, kind, event_id, **details)
        result = self.dispatch([event])
        self._recorder.webhook_result(action, result.status, result.error)
        return WebhookOutcome(event_id, result.status, result.error, token)
