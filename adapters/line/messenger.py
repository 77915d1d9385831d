"""Outbound LINE messages through the official SDK (`linebot.v3`).

Reply while the event's reply token is fresh (free of charge, no retry key on LINE's side; a
reply retaken from a dispatcher that died is tried again with its token, never pushed on top);
otherwise push with `X-Line-Retry-Key` from the first attempt, derived from our idempotency key,
so a repeat of an accepted request answers 409 and is counted as delivered. Retry only on 5xx
and timeouts, with back-off; never on other 4xx. A 429 slows the shared pacer down.

A button whose url is `PAGE_LINK` opens the resident's web page: its personal link is made here,
at sending (LinkMaker, the same link for a retry of the message); a message carrying one is
never multicast.

Message requests go through the SDK's `ApiClient` (its connection pool, authentication and its
exceptions, which say what failed) with a body built by `rendering.request_body`, once per shape
of message; the typed `MessagingApi` methods would build and validate the SDK's models for every
message again (ADR 0065). Other calls (the profile) use `MessagingApi`.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

import urllib3
from attrs import evolve
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi
from linebot.v3.messaging.exceptions import ApiException

from adapters.line.pacing import AdaptivePacer
from adapters.line.prepared import post_prepared
from adapters.line.rendering import request_body
from application.ports.messaging import (
    PAGE_LINK,
    DeliveryOutcome,
    DeliveryResult,
    LinkMaker,
    OutgoingMessage,
)

__all__ = ["MULTICAST_LIMIT", "LineMessenger", "retry_key_for"]

log = logging.getLogger(__name__)

MULTICAST_LIMIT = 500
_RETRY_KEY_NAMESPACE = uuid.UUID("6f1d4f0e-3c1b-4f55-9a53-6d61646f6775")
_TRANSPORT_ERRORS = (urllib3.exceptions.HTTPError, OSError)
_PUSH, _MULTICAST, _REPLY = "/v2/bot/message/push", "/v2/bot/message/multicast", \
    "/v2/bot/message/reply"


def retry_key_for(idempotency_key: str) -> str:
    """LINE wants a UUID; ours are outbox ids. The same id always gives the same key."""
    return str(uuid.uuid5(_RETRY_KEY_NAMESPACE, idempotency_key))


def _page_links_in(messages: Sequence[OutgoingMessage]) -> bool:
    return any(choice.url == PAGE_LINK for message in messages for choice in message.choices)


def _detail(error: ApiException) -> str:
    try:
        body = json.loads(error.body or b"{}")
        return f"{error.status} {body.get('message', '')}".strip()
    except (ValueError, TypeError):
        return str(error.status)


class LineMessenger:
    name = "line"

    def __init__(self, *, access_token: str, base_url: str, max_rate: float = 1000.0,
                 max_attempts: int = 5, backoff: float = 0.2,
                 timeout: tuple[float, float] = (3.05, 10.0), pool_size: int = 16,
                 sleep: Callable[[float], None] = time.sleep,
                 links: LinkMaker | None = None,
                 before_sending: Callable[[str], None] = lambda recipient: None) -> None:
        """`before_sending(recipient)`: called before a message goes to one resident (the
        loading dots asked for their chat wait to have gone first, ADR 0079)."""
        configuration = Configuration(access_token=access_token, host=base_url)
        configuration.connection_pool_maxsize = pool_size
        configuration.retries = False  # we decide what is retried, and with which key
        self._client = ApiClient(configuration)
        self._api = MessagingApi(self._client)
        self.pacer = AdaptivePacer(max_rate=max_rate, sleep=sleep)
        self._max_attempts, self._backoff, self._timeout = max_attempts, backoff, timeout
        self._sleep, self._links, self._before_sending = sleep, links, before_sending

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        resolved = self._with_page_links(messages, recipient, idempotency_key)
        body = request_body("push", recipient, resolved)
        self._before_sending(recipient)
        if reply_token:
            reply = request_body("reply", reply_token, resolved)
            if retaken:
                return self._reply_again(reply, idempotency_key)
            if self._reply(reply, idempotency_key):
                return DeliveryResult(DeliveryOutcome.DELIVERED, "reply")
        return self._with_retries(lambda key: self._post(_PUSH, body, key),
                                  retry_key_for(idempotency_key))

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        if _page_links_in(messages):  # a personal link each: one by one, each its own key
            return [([recipient], self.send(recipient, messages,
                                            idempotency_key=f"{idempotency_key}:{recipient}"))
                    for recipient in recipients]
        results = []
        for index in range(0, len(recipients), MULTICAST_LIMIT):
            chunk = list(recipients[index:index + MULTICAST_LIMIT])
            body = request_body("multicast", chunk, messages)
            result = self._with_retries(
                lambda key, body=body: self._post(_MULTICAST, body, key),
                retry_key_for(f"{idempotency_key}:{index // MULTICAST_LIMIT}"))
            results.append((chunk, result))
        return results

    def is_friend(self, address: str) -> bool | None:
        """LINE's profile API (FriendCheck): 404 for a user who blocked the account or never
        followed it; None when LINE could not tell."""
        self.pacer.acquire()
        try:
            self._api.get_profile(address, _request_timeout=self._timeout)
        except ApiException as error:
            if error.status == 404:
                self.pacer.succeeded()
                return False
            if error.status == 429:
                self.pacer.throttled()
            log.info("a profile look-up was not answered (%s)", error.status)
            return None
        except _TRANSPORT_ERRORS as error:
            log.info("a profile look-up failed (%s)", type(error).__name__)
            return None
        self.pacer.succeeded()
        return True

    def _with_page_links(self, messages: Sequence[OutgoingMessage], recipient: str,
                         key: str) -> Sequence[OutgoingMessage]:
        """`PAGE_LINK` buttons with the recipient's personal link; without a LinkMaker (no web
        channel) the button is left out, and a card left with none becomes its text."""
        if not _page_links_in(messages):
            return messages
        link = self._links.link_for(self.name, recipient, key) if self._links else ""
        resolved = []
        for message in messages:
            choices = tuple(evolve(c, url=link) if c.url == PAGE_LINK else c
                            for c in message.choices if c.url != PAGE_LINK or link)
            resolved.append(evolve(message, choices=choices) if choices else
                            OutgoingMessage(text=message.text, essential=message.essential))
        return resolved

    def _post(self, path: str, body: dict[str, Any], retry_key: str | None = None) -> None:
        """POST a prepared body through the SDK's client; its exceptions as for any call (an
        `ApiException` with the status for an answer other than 2xx)."""
        post_prepared(self._client, path, body, host=self._api.line_base_path,
                      timeout=self._timeout,
                      headers={"X-Line-Retry-Key": retry_key} if retry_key else None)

    def _reply(self, reply: dict[str, Any], idempotency_key: str) -> bool:
        """One try: a reply cannot carry a retry key, so any doubt falls back to a push. Logs
        name the message by its idempotency key (the outbox id), never the recipient."""
        self.pacer.acquire()
        try:
            self._post(_REPLY, reply)
        except ApiException as error:
            if error.status == 429:
                self.pacer.throttled()
            log.info("reply for outbox message %s not accepted (%s); pushing instead",
                     idempotency_key, _detail(error))
            return False
        except _TRANSPORT_ERRORS as error:  # it may have arrived all the same
            log.warning("reply for outbox message %s failed (%s); pushing instead",
                        idempotency_key, type(error).__name__)
            return False
        self.pacer.succeeded()
        return True

    def _reply_again(self, reply: dict[str, Any], idempotency_key: str) -> DeliveryResult:
        """The reply of a dispatcher that died while sending it: a token is good for one
        reply, so LINE accepting it now means the first try never arrived, and LINE refusing
        a token that is still fresh means the first try used it. Pushing on top would give
        the resident the answer twice; in doubt (no answer, 5xx, 429) try again later."""
        self.pacer.acquire()
        try:
            self._post(_REPLY, reply)
        except ApiException as error:
            if error.status == 429:
                self.pacer.throttled()
            if error.status == 400:
                log.info("reply for outbox message %s was already delivered (its token is "
                         "spent)", idempotency_key)
                return DeliveryResult(DeliveryOutcome.DELIVERED, "reply (token already spent)")
            return DeliveryResult(DeliveryOutcome.RETRY_LATER, _detail(error))
        except _TRANSPORT_ERRORS as error:
            return DeliveryResult(DeliveryOutcome.RETRY_LATER, type(error).__name__)
        self.pacer.succeeded()
        return DeliveryResult(DeliveryOutcome.DELIVERED, "reply")

    def _with_retries(self, call: Callable[[str], object], key: str) -> DeliveryResult:
        last = ""
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1))
            self.pacer.acquire()
            try:
                call(key)
            except ApiException as error:
                last = _detail(error)
                if error.status == 409:  # this retry key was accepted before: delivered
                    self.pacer.succeeded()
                    return DeliveryResult(DeliveryOutcome.DELIVERED, "already accepted")
                if error.status == 429:
                    self.pacer.throttled()
                    continue
                if error.status is not None and error.status >= 500:
                    continue
                return DeliveryResult(DeliveryOutcome.REJECTED, last)
            except _TRANSPORT_ERRORS as error:
                last = f"transport: {type(error).__name__}"
                continue
            self.pacer.succeeded()
            return DeliveryResult(DeliveryOutcome.DELIVERED)
        return DeliveryResult(DeliveryOutcome.RETRY_LATER, last)
