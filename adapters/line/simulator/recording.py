"""What happened on the simulated platform: every message accepted for each user (delivered or
not), what each user did, the retry keys accepted, and counters for tests and benchmarks.

Accepting a request is one step under one lock: the retry-key check, the message ids and the
deliveries, so two concurrent requests with the same key can never both deliver.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from attrs import define, field, frozen

from adapters.line.simulator.ids import quote_token

__all__ = ["AcceptedRequest", "Delivery", "Recorder", "UserAction"]

COUNTERS = ("rejected_400", "unauthorized_401", "conflicts_409", "rate_limited_429",
            "injected_500_before_recording", "injected_500_after_recording")


def _iso(at: float) -> str:
    return dt.datetime.fromtimestamp(at, dt.UTC).isoformat(timespec="milliseconds")


@frozen
class Delivery:
    """One message for one user, from one accepted request."""

    seq: int
    user_id: str
    message_id: str
    message: dict[str, Any]
    endpoint: str
    request_id: str
    retry_key: str | None
    at: float
    delivered: bool
    notification_disabled: bool

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "messageId": self.message_id,
                "quoteToken": quote_token(self.message_id),
                "endpoint": self.endpoint, "requestId": self.request_id,
                "retryKey": self.retry_key, "time": _iso(self.at), "delivered": self.delivered,
                "notificationDisabled": self.notification_disabled, "message": self.message}


@define(eq=False)
class UserAction:
    """Something the user did on the phone, and what the webhook answered."""

    seq: int
    user_id: str
    kind: str  # follow, unfollow, text, image, location, postback
    webhook_event_id: str
    at: float
    text: str | None = None
    data: str | None = None
    display_text: str | None = None
    image_id: str | None = None
    webhook_status: int | None = None
    webhook_error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "type": self.kind, "webhookEventId": self.webhook_event_id,
                "time": _iso(self.at), "text": self.text, "data": self.data,
                "displayText": self.display_text, "imageId": self.image_id,
                "webhookStatus": self.webhook_status, "webhookError": self.webhook_error}


@frozen
class AcceptedRequest:
    request_id: str
    endpoint: str
    sent_messages: tuple[dict[str, str], ...]


@define(slots=False, eq=False)
class _Log:
    timeline: dict[str, list[Delivery | UserAction]] = field(factory=lambda: defaultdict(list))
    retry_keys: dict[str, AcceptedRequest] = field(factory=dict)
    batches_per_key: Counter[str] = field(factory=Counter)
    accepted: Counter[str] = field(factory=Counter)
    counters: Counter[str] = field(factory=Counter)
    webhooks: Counter[str] = field(factory=Counter)
    delivered: int = 0
    undelivered: int = 0
    duplicate_deliveries: int = 0
    seq: int = 0


class Recorder:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._log = _Log()

    def accept(self, endpoint: str, *, request_id: str, retry_key: str | None,
               recipients: Sequence[tuple[str, bool]], messages: Sequence[dict[str, Any]],
               notification_disabled: bool,
               next_message_id: Callable[[], str]) -> tuple[AcceptedRequest, bool]:
        """Record a request's deliveries to (user id, deliverable) pairs. Returns the accepted
        request and True, or the request accepted earlier with the same retry key and False
        (then nothing is delivered)."""
        with self._lock:
            log = self._log
            if retry_key is not None and retry_key in log.retry_keys:
                log.counters["conflicts_409"] += 1
                return log.retry_keys[retry_key], False
            now, sent = self._clock(), []
            for user_id, deliverable in recipients:
                for message in messages:
                    log.seq += 1
                    delivery = Delivery(log.seq, user_id, next_message_id(), message, endpoint,
                                        request_id, retry_key, now, deliverable,
                                        notification_disabled)
                    log.timeline[user_id].append(delivery)
                    sent.append({"id": delivery.message_id,
                                 "quoteToken": quote_token(delivery.message_id)})
                    if deliverable:
                        log.delivered += 1
                    else:
                        log.undelivered += 1
            accepted = AcceptedRequest(request_id, endpoint,
                                       tuple(sent) if endpoint != "multicast" else ())
            log.accepted[endpoint] += 1
            if retry_key is not None:
                log.retry_keys[retry_key] = accepted
                log.batches_per_key[retry_key] += 1
                if log.batches_per_key[retry_key] > 1:  # an invariant, checked independently
                    log.duplicate_deliveries += sum(ok for _, ok in recipients) * len(messages)
            return accepted, True

    def record_action(self, user_id: str, kind: str, webhook_event_id: str,
                      **details: str | None) -> UserAction:
        with self._lock:
            self._log.seq += 1
            action = UserAction(self._log.seq, user_id, kind, webhook_event_id, self._clock(),
                                **details)
            self._log.timeline[user_id].append(action)
            return action

    def webhook_result(self, action: UserAction | None, status: int | None,
                       error: str | None) -> None:
        with self._lock:
            if action is not None:
                action.webhook_status, action.webhook_error = status, error
            if error is not None:
                self._log.webhooks["failed"] += 1
            elif status is None:
                self._log.webhooks["not_sent"] += 1
            else:
                self._log.webhooks["sent"] += 1
                self._log.webhooks[str(status)] += 1

    def count(self, counter: str) -> None:
        if counter not in COUNTERS:
            raise ValueError(f"unknown counter {counter}")
        with self._lock:
            self._log.counters[counter] += 1

    def conversation(self, user_id: str, *, after: int = 0) -> dict[str, Any]:
        """What the user received, what was accepted but not delivered, and what they sent."""
        with self._lock:
            entries = [entry for entry in self._log.timeline.get(user_id, ())
                       if entry.seq > after]
            received = [entry.to_json() for entry in entries
                        if isinstance(entry, Delivery) and entry.delivered]
            undelivered = [entry.to_json() for entry in entries
                           if isinstance(entry, Delivery) and not entry.delivered]
            sent = [entry.to_json() for entry in entries if isinstance(entry, UserAction)]
            return {"userId": user_id, "messages": received, "undelivered": undelivered,
                    "sent": sent, "lastSeq": self._log.seq}

    def deliveries(self) -> list[Delivery]:
        """Every delivery recorded, in order (for benchmarks' own checks)."""
        with self._lock:
            found = [entry for entries in self._log.timeline.values() for entry in entries
                     if isinstance(entry, Delivery)]
        return sorted(found, key=lambda delivery: delivery.seq)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            log = self._log
            webhooks = dict(log.webhooks)
            return {
                "accepted": {endpoint: log.accepted[endpoint]
                             for endpoint in ("push", "multicast", "reply")},
                "delivered_messages": log.delivered,
                "undelivered_messages": log.undelivered,
                "conflicts_409": log.counters["conflicts_409"],
                "rate_limited_429": log.counters["rate_limited_429"],
                "rejected_400": log.counters["rejected_400"],
                "unauthorized_401": log.counters["unauthorized_401"],
                "injected_500": {
                    "before_recording": log.counters["injected_500_before_recording"],
                    "after_recording": log.counters["injected_500_after_recording"]},
                "duplicate_deliveries": log.duplicate_deliveries,
                "webhooks": {"sent": webhooks.pop("sent", 0), "failed": webhooks.pop("failed", 0),
                             "not_sent": webhooks.pop("not_sent", 0), "by_status": webhooks},
            }

    def reset(self) -> None:
        with self._lock:
            self._log = _Log(seq=self._log.seq)  # seq keeps rising: pollers never go back
