"""Outbound webhooks (連携（Webhook）, ADR 0071): the town's own systems subscribe to events and
receive each as a signed JSON POST.

A subscription names a URL, the events it wants and a secret the system generated. Each event
a subscription wants becomes one delivery (one per subscription and event: the database holds
it so), whose body is fixed when the event happens, so every attempt and every replay sends the
same event id and the same bytes. A delivery is tried at once, then after the back-off plan
(`RETRY_PLAN`) while the receiver is down or answers 5xx/429, and kept as failed when the plan
runs out or the receiver refuses it (another 4xx). Staff may replay any delivery: it goes out
again with the same event id, as a new round of the plan.
"""

from __future__ import annotations

import datetime as dt
import enum
import ipaddress
import socket
import urllib.parse
from typing import Any

from attrs import define, frozen

from domain.errors import IllegalTransition, InvalidValue

__all__ = ["CLAIM_LEASE", "RETRY_PLAN", "AttemptOutcome", "DeliveryState", "WebhookAttempt",
           "WebhookDelivery", "WebhookEventType", "WebhookSubscription", "WebhookUrl",
           "outcome_of", "wait_after"]

# After the n-th failed try of a round, wait RETRY_PLAN[n-1]; after the last, give up.
RETRY_PLAN = (dt.timedelta(minutes=1), dt.timedelta(minutes=5), dt.timedelta(minutes=30),
              dt.timedelta(hours=2), dt.timedelta(hours=12))
# A dispatcher's claim on a delivery being sent (a request times out well before it lapses):
# a claim older than this was left by a dispatcher that died, and the delivery is due again.
CLAIM_LEASE = dt.timedelta(minutes=5)
MAX_URL = 500


class WebhookEventType(enum.Enum):
    APPLICATION_CONFIRMED = "application.confirmed"
    APPLICATION_DECIDED = "application.decided"
    PAYMENT_FAILED = "payment.failed"
    CERTIFICATE_PAID = "certificate.paid"
    CASE_CREATED = "case.created"

    @property
    def label(self) -> str:
        return {"application.confirmed": "申請受付", "application.decided": "支給決定・不支給決定",
                "payment.failed": "振込不能", "certificate.paid": "証明書の手数料の支払い",
                "case.created": "案件の受付"}[self.value]


class DeliveryState(enum.Enum):
    PENDING = "pending"  # due now, or waiting out a back-off
    SENDING = "sending"  # claimed by a dispatcher
    DELIVERED = "delivered"
    FAILED = "failed"  # refused (4xx), or the plan ran out: kept for staff to replay

    @property
    def label(self) -> str:
        return {"pending": "送信待ち", "sending": "送信中", "delivered": "配信済み",
                "failed": "配信失敗"}[self.value]


class AttemptOutcome(enum.Enum):
    DELIVERED = "delivered"  # 2xx
    RETRY = "retry"  # no answer, a timeout, 5xx or 429: tried again after the back-off
    REFUSED = "refused"  # another status (a 4xx, a redirect): trying again will not help
    GAVE_UP = "gave_up"  # retryable, but the plan ran out

    @property
    def label(self) -> str:
        return {"delivered": "配信済み", "retry": "再送予定", "refused": "受信側が拒否",
                "gave_up": "再送の打ち切り"}[self.value]


def outcome_of(status: int | None) -> AttemptOutcome:
    """What an answer means: `None` is no answer (a network error or a timeout)."""
    if status is None or status >= 500 or status == 429:
        return AttemptOutcome.RETRY
    if 200 <= status < 300:
        return AttemptOutcome.DELIVERED
    return AttemptOutcome.REFUSED


def wait_after(tries: int) -> dt.timedelta | None:
    """The wait after the `tries`-th failed try of a round; None: give up."""
    return RETRY_PLAN[tries - 1] if 1 <= tries <= len(RETRY_PLAN) else None


@frozen
class WebhookUrl:
    """Where deliveries go: https, or (outside production) http to this machine for a receiver
    under development."""

    value: str

    @classmethod
    def of(cls, text: str, *, allow_local_http: bool) -> WebhookUrl:
        text = (text or "").strip()
        if not text:
            raise InvalidValue("送信先のURLを入力してください。", code="no_url")
        if len(text) > MAX_URL:
            raise InvalidValue(f"送信先のURLは{MAX_URL}文字以内で入力してください。",
                               code="long_url")
        parts = urllib.parse.urlsplit(text)
        if parts.username or parts.password:
            raise InvalidValue("送信先のURLに利用者名やパスワードは含められません。",
                               code="url_credentials")
        if parts.scheme == "https" and parts.hostname:
            if not allow_local_http and _internal(parts.hostname):
                raise InvalidValue("送信先にこのサーバー自身やリンクローカルのアドレスは"
                                   "指定できません。町のシステムのホスト名かアドレスを"
                                   "入力してください。",
                                   code="url_internal")
            return cls(text)
        if parts.scheme == "http" and parts.hostname and allow_local_http \
                and _loopback(parts.hostname):
            return cls(text)
        raise InvalidValue("送信先のURLは https:// で始めてください（開発環境では "
                           "http://127.0.0.1 も使えます）。", code="url_scheme")


def _internal(host: str) -> bool:
    """This host itself, a link-local address (the cloud's metadata service) or no address at
    all, however written (127.1, 0x7f000001, [::1]): never a town's system, and a way to probe
    the server's own ports through the delivery log. A private LAN address is allowed (the
    town's own systems live there)."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        try:  # the forms inet_aton reads and a resolver would: 127.1, 0x7f000001, 2130706433
            address = ipaddress.ip_address(socket.inet_aton(name))
        except OSError:
            return False
    return (address.is_loopback or address.is_link_local or address.is_unspecified
            or address.is_multicast)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@define(slots=False, eq=False)
class WebhookSubscription:
    id: str
    url: str
    events: list[str]  # WebhookEventType values
    secret: str  # generated by the system, shown once; encrypted at rest
    created_at: dt.datetime
    created_by: str  # an actor id
    active: bool = True
    deleted_at: dt.datetime | None = None  # deleted: kept for its delivery log, sends nothing

    @classmethod
    def subscribe(cls, *, id: str, url: WebhookUrl, events: list[str], secret: str,
                  at: dt.datetime, by: str) -> WebhookSubscription:
        known = {kind.value for kind in WebhookEventType}
        chosen = sorted({event for event in events if event})
        if not chosen:
            raise InvalidValue("受け取るイベントを1つ以上選んでください。", code="no_events")
        if any(event not in known for event in chosen):
            raise InvalidValue("選べないイベントが含まれています。", code="unknown_event")
        return cls(id=id, url=url.value, events=chosen, secret=secret, created_at=at,
                   created_by=by)

    def wants(self, kind: WebhookEventType) -> bool:
        return self.active and self.deleted_at is None and kind.value in self.events

    def pause(self) -> bool:
        self._live()
        changed, self.active = self.active, False
        return changed

    def resume(self) -> bool:
        self._live()
        changed, self.active = not self.active, True
        return changed

    def delete(self, at: dt.datetime) -> None:
        self._live()
        self.active, self.deleted_at = False, at

    def _live(self) -> None:
        if self.deleted_at is not None:
            raise IllegalTransition("この連携先は削除されています。", code="deleted")

    @property
    def event_types(self) -> list[WebhookEventType]:
        return [WebhookEventType(event) for event in self.events]


@define(slots=False, eq=False)
class WebhookDelivery:
    """One event for one subscription: `body` (the envelope: event id, type, occurred_at, data)
    is written when the event happens and never changes."""

    id: str
    subscription_id: str
    event_id: str
    event_type: str
    body: dict[str, Any]
    created_at: dt.datetime
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0  # every try, all rounds (the delivery log's numbering)
    tries: int = 0  # tries in this round (a replay starts a new round)
    next_attempt_at: dt.datetime | None = None
    claimed_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None
    replays: int = 0
    last_result: str = ""  # "HTTP 503", "ConnectTimeout": no body, no personal data

    @classmethod
    def of(cls, *, id: str, subscription_id: str, event_id: str, kind: WebhookEventType,
           occurred_at: dt.datetime, data: dict[str, Any], at: dt.datetime) -> WebhookDelivery:
        body = {"id": event_id, "type": kind.value, "occurred_at": occurred_at.isoformat(),
                "data": data}
        return cls(id=id, subscription_id=subscription_id, event_id=event_id,
                   event_type=kind.value, body=body, created_at=at, next_attempt_at=at)

    def due(self, *, now: dt.datetime) -> bool:
        if self.state is DeliveryState.PENDING:
            return self.next_attempt_at is None or self.next_attempt_at <= now
        return (self.state is DeliveryState.SENDING and self.claimed_at is not None
                and now - self.claimed_at > CLAIM_LEASE)

    def claim(self, at: dt.datetime) -> int:
        """Taken by a dispatcher: returns the attempt's number."""
        self.state, self.claimed_at = DeliveryState.SENDING, at
        self.attempts += 1
        self.tries += 1
        return self.attempts

    def record(self, status: int | None, error: str, *, at: dt.datetime) -> AttemptOutcome:
        """The answer of the claimed attempt; returns what it means for the delivery."""
        outcome = outcome_of(status)
        self.claimed_at = None
        self.last_result = f"HTTP {status}" if status is not None else (error or "no answer")
        if outcome is AttemptOutcome.DELIVERED:
            self.state, self.delivered_at, self.next_attempt_at = (
                DeliveryState.DELIVERED, at, None)
        elif outcome is AttemptOutcome.REFUSED:
            self.state, self.next_attempt_at = DeliveryState.FAILED, None
        else:
            wait = wait_after(self.tries)
            if wait is None:
                self.state, self.next_attempt_at = DeliveryState.FAILED, None
                return AttemptOutcome.GAVE_UP
            self.state, self.next_attempt_at = DeliveryState.PENDING, at + wait
        return outcome

    def abandon(self) -> None:
        """Its subscription was deleted: nothing more is sent."""
        self.state, self.next_attempt_at, self.claimed_at = DeliveryState.FAILED, None, None
        self.last_result = "subscription deleted"

    def replay(self, at: dt.datetime) -> bool:
        """Send it again (the same event id and body), as a new round. False when it is
        already waiting to go or going out (a second click changes nothing)."""
        if self.state is DeliveryState.SENDING or (self.state is DeliveryState.PENDING
                                                   and self.due(now=at)):
            return False
        self.state, self.next_attempt_at, self.tries = DeliveryState.PENDING, at, 0
        self.replays += 1
        return True


@define(slots=False, eq=False)
class WebhookAttempt:
    """One try of a delivery, for the delivery log."""

    id: str
    delivery_id: str
    number: int
    started_at: dt.datetime
    duration_ms: int
    outcome: AttemptOutcome
    http_status: int | None = None
    error: str = ""  # the error's type ("ConnectionError"), never the receiver's answer
    replay: bool = False  # the first try of a round staff asked for
