"""Webhooks as LINE sends them: the event JSON, the `X-Line-Signature` header
(base64 of HMAC-SHA256 over the raw body with the channel secret), and a sender that keeps one
HTTP connection per thread so benchmarks can fire events fast."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import threading
import time
from collections import OrderedDict
from typing import Any
from urllib.parse import urlsplit

from attrs import frozen

__all__ = [
    "EventLog", "SignedWebhook", "WebhookResult", "WebhookSender", "make_event", "sign", "signed",
]


def sign(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


@frozen
class SignedWebhook:
    body: bytes
    signature: str

    def headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json; charset=utf-8",
                "X-Line-Signature": self.signature, "User-Agent": "LineBotWebhook/2.0"}


@frozen
class WebhookResult:
    status: int | None  # None: not sent (no webhook URL) or no answer (see error)
    error: str | None = None
    elapsed: float = 0.0


def make_event(kind: str, user_id: str, event_id: str, *, reply_token: str | None = None,
               **content: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": kind, "mode": "active", "timestamp": time.time_ns() // 1_000_000,
        "source": {"type": "user", "userId": user_id}, "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": False},
    }
    if reply_token is not None:
        event["replyToken"] = reply_token
    event.update(content)
    return event


def signed(channel_secret: str, destination: str, events: list[dict[str, Any]]) -> SignedWebhook:
    body = json.dumps({"destination": destination, "events": events}, ensure_ascii=False,
                      separators=(",", ":")).encode()
    return SignedWebhook(body, sign(channel_secret, body))


class WebhookSender:
    """POSTs signed webhooks to one URL and waits for the answer (so tests are deterministic).
    A kept-alive connection the server has closed meanwhile is reopened once."""

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) webhook URL: {url!r}")
        self.url = url
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._timeout = timeout
        self._local = threading.local()

    def send(self, webhook: SignedWebhook) -> WebhookResult:
        started = time.perf_counter()
        for attempt in range(2):
            connection, reused = self._connection()
            try:
                connection.request("POST", self._path, body=webhook.body,
                                   headers=webhook.headers())
                response = connection.getresponse()
                response.read()
                if response.will_close:
                    self._drop()
                return WebhookResult(response.status, None, time.perf_counter() - started)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                self._drop()
                if reused and attempt == 0:
                    continue
                return WebhookResult(None, type(error).__name__, time.perf_counter() - started)
            except (OSError, http.client.HTTPException) as error:
                self._drop()
                return WebhookResult(None, f"{type(error).__name__}: {error}",
                                     time.perf_counter() - started)
        raise AssertionError("unreachable")

    def _connection(self) -> tuple[http.client.HTTPConnection, bool]:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            return connection, True
        factory = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        connection = factory(self._host, self._port, timeout=self._timeout)
        self._local.connection = connection
        return connection, False

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


class EventLog:
    """The events sent, by webhook event id, for redelivery (the oldest are forgotten first)."""

    def __init__(self, capacity: int = 100_000) -> None:
        self._events: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._capacity = capacity
        self._lock = threading.Lock()

    def add(self, event: dict[str, Any]) -> None:
        with self._lock:
            self._events[event["webhookEventId"]] = event
            while len(self._events) > self._capacity:
                self._events.popitem(last=False)

    def sent(self, event_id: str) -> dict[str, Any] | None:
        with self._lock:
            return self._events.get(event_id)

    def redelivery_of(self, event_id: str) -> dict[str, Any] | None:
        with self._lock:
            event = self._events.get(event_id)
        if event is None:
            return None
        return {**event, "deliveryContext": {"isRedelivery": True}}

    def reset(self) -> None:
        with self._lock:
            self._events.clear()
