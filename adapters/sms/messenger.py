"""Outbound SMS through Twilio's SDK (`twilio.rest.Client`), never twice for one key.

Twilio takes no idempotency key. The outbox already knows whether an earlier try of a message
may have reached Twilio (the port's `retaken`: a dispatcher died while sending it, or an earlier
try had no clear answer), so a first try is one request and no write of its own (ADR 0044). A
try that may have reached Twilio is looked for among Twilio's latest messages to that number
(same sender, same body with links masked) before it is sent again; the ledger
(adapters/sms/ledger.py) remembers only such unsure tries, when they began and a SID found for
them. 429, 5xx and transport errors are retried here with back-off, then left for later;
Twilio's answers that no retry changes are final: an invalid or unknown number (21211), a
number that sent STOP (21610), a landline (21614) → BLOCKED, the ladder moves to the next
channel; anything else 4xx → REJECTED. Details carry Twilio's error
code, never the number or the text (Twilio's own error message quotes the number).

Each message's status callback URL names its outbox id (`?m=`, covered by Twilio's signature), so
a callback finds its message even before the dispatcher has recorded the SID.

The API base is a setting (TWILIO_API_BASE_URL): the SDK's documented extension point, a custom
`http_client`, sends its requests to the local stand-in in development and tests.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import urllib.parse
from collections.abc import Callable, Sequence
from typing import Any

import requests
import requests.utils
from requests.adapters import HTTPAdapter
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from adapters.sms.ledger import SmsLedger
from adapters.sms.rendering import body_digest, render
from application.ports.messaging import (
    DeliveryOutcome,
    DeliveryResult,
    LinkMaker,
    OutgoingMessage,
)

__all__ = ["TWILIO_API", "TwilioSms"]

log = logging.getLogger(__name__)

TWILIO_API = "https://api.twilio.com"
# Twilio error codes after which this number cannot be reached by SMS (the ladder moves on).
_UNREACHABLE = {21211: "invalid number", 21610: "unsubscribed (STOP)", 21614: "not a mobile",
                21612: "cannot route to this number", 21408: "region not enabled"}
_TRANSPORT_ERRORS = (requests.RequestException, OSError)
_NO_ENVIRONMENT = {"TWILIO_EDGE": "", "TWILIO_REGION": ""}
LOOKUP_WINDOW = dt.timedelta(minutes=10)  # an earlier try is looked for from this long before


class _BaseUrlHttpClient(TwilioHttpClient):
    """The SDK's HTTP client, its requests to `base_url` instead of api.twilio.com. The proxy
    and CA settings of the environment (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE) are read once
    for that one host, not at every request (requests reads them per request: an eighth of the
    client's time in bench/sms_delivery.py)."""

    def __init__(self, base_url: str, *, timeout: float, pool_size: int) -> None:
        self._base_url = base_url.rstrip("/")
        # The SDK logs every request at INFO, a look-up's query (the resident's number) too:
        # its lines are kept to warnings.
        quiet = logging.getLogger(f"{__name__}.http")
        quiet.setLevel(logging.WARNING)
        super().__init__(timeout=timeout, logger=quiet,
                         proxy=requests.utils.get_environ_proxies(self._base_url))
        if self.session is not None:
            self.session.trust_env = False
            self.session.verify = (os.environ.get("REQUESTS_CA_BUNDLE")
                                   or os.environ.get("CURL_CA_BUNDLE") or True)
            for scheme in ("http://", "https://"):
                self.session.mount(scheme, HTTPAdapter(pool_maxsize=pool_size))

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        if url.startswith(TWILIO_API):
            url = self._base_url + url[len(TWILIO_API):]
        return super().request(method, url, *args, **kwargs)


class TwilioSms:
    name = "sms"
    one_by_one = True  # each SMS has its own personal link: no group sends

    def __init__(self, *, account_sid: str, auth_token: str, from_number: str,
                 status_callback_url: str, links: LinkMaker | None, ledger: SmsLedger,
                 api_base_url: str = TWILIO_API, timeout: float = 10.0, max_attempts: int = 3,
                 backoff: float = 0.2, pool_size: int = 16,
                 sleep: Callable[[float], None] = time.sleep,
                 now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)) -> None:
        # The SDK reads nothing of its own from os.environ (TWILIO_EDGE or TWILIO_REGION would
        # send it around the configured base; an empty mapping would mean os.environ).
        self._client = Client(account_sid, auth_token, environment=_NO_ENVIRONMENT,
                              http_client=_BaseUrlHttpClient(api_base_url, timeout=timeout,
                                                             pool_size=pool_size))
        self.from_number, self.status_callback_url = from_number, status_callback_url
        self._links, self._ledger = links, ledger
        self._max_attempts, self._backoff, self._sleep, self._now = (
            max_attempts, backoff, sleep, now)

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        """`reply_token` is LINE's (SMS has none). `retaken`: an earlier try may have reached
        Twilio, so it is looked for there before anything is sent again."""
        links = self._links
        if links is None and any(not c.url for m in messages for c in m.choices):
            return DeliveryResult(DeliveryOutcome.REJECTED,
                                  "choices need personal links: the web channel is not set up")
        body = render(messages, lambda: links.link_for(  # type: ignore[union-attr]
            self.name, recipient, idempotency_key))
        digest = body_digest(body)
        unsure, since = False, self._now() - LOOKUP_WINDOW
        if retaken:
            record = self._ledger.get(idempotency_key)
            if record is not None and record.sid is not None:
                return DeliveryResult(DeliveryOutcome.DELIVERED, "already accepted",
                                      provider_ref=record.sid)
            unsure = True
            if record is None:  # the dispatcher that tried died: remembered from now on
                self._ledger.attempted(idempotency_key, recipient=recipient,
                                       body_digest=digest, at=self._now())
            else:
                since = record.attempted_at - LOOKUP_WINDOW
        last = ""
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1))
            found = unsure and self._accepted_before(idempotency_key, recipient, digest, since)
            if found:
                return DeliveryResult(DeliveryOutcome.DELIVERED, "found at the provider",
                                      provider_ref=found)
            try:
                created = self._client.messages.create(
                    to=recipient, from_=self.from_number, body=body,
                    status_callback=self._callback_for(idempotency_key))
            except TwilioRestException as error:
                last = f"{error.status} {error.code or ''}".strip()
                if error.status == 429:
                    continue  # refused before it was taken
                if error.status >= 500:
                    unsure = self._unsure(idempotency_key, recipient, digest, unsure)
                    continue
                return self._final(error, idempotency_key)
            except _TRANSPORT_ERRORS as error:
                last = f"transport: {type(error).__name__}"
                unsure = self._unsure(idempotency_key, recipient, digest, unsure)
                continue
            if unsure:  # a later look-up of this key finds it without asking Twilio
                self._ledger.accepted(idempotency_key, sid=created.sid,
                                      status=created.status or "queued", at=self._now())
            # Accepted, not delivered yet: the outbox row waits in `sending` for the status
            # callback (entrypoints/web/sms_webhook.py).
            return DeliveryResult(DeliveryOutcome.DELIVERED, provider_ref=created.sid or "")
        log.warning("SMS for outbox message %s not accepted yet (%s)", idempotency_key, last)
        return DeliveryResult(DeliveryOutcome.RETRY_LATER, last)

    def _callback_for(self, key: str) -> str:
        joiner = "&" if "?" in self.status_callback_url else "?"
        return f"{self.status_callback_url}{joiner}{urllib.parse.urlencode({'m': key})}"

    def _unsure(self, key: str, recipient: str, digest: str, already: bool) -> bool:
        """This try may have reached Twilio: remembered (once) with when it began, so the
        look-ups of later tries reach back far enough."""
        if not already:
            self._ledger.attempted(key, recipient=recipient, body_digest=digest, at=self._now())
        return True

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        """SMS has no group send: one request each, each under its own key. The dispatcher
        never groups this channel (`one_by_one`), so no outbox row says whether a group was
        tried before: the ledger does, each key written before its request (as ADR 0039 did
        for every message)."""
        answers = []
        for recipient in recipients:
            key = f"{idempotency_key}:{recipient}"
            earlier = self._ledger.attempted(key, recipient=recipient, body_digest="",
                                             at=self._now())
            result = self.send(recipient, messages, idempotency_key=key,
                               retaken=earlier is not None)
            if result.provider_ref and (earlier is None or earlier.sid is None):
                self._ledger.accepted(key, sid=result.provider_ref, status="queued",
                                      at=self._now())
            answers.append(([recipient], result))
        return answers

    def _accepted_before(self, key: str, recipient: str, digest: str,
                         since: dt.datetime) -> str:
        """Did an earlier try reach Twilio after all? Its latest messages to this number from
        our number, with the same body, created since the earlier try: the SID found, or ""."""
        try:
            recent = self._client.messages.list(to=recipient, from_=self.from_number, limit=20)
        except (TwilioRestException, *_TRANSPORT_ERRORS):
            return ""  # cannot tell: the send that follows will tell
        for message in recent:
            created = message.date_created
            if body_digest(message.body or "") == digest and (created is None
                                                              or created >= since):
                self._ledger.accepted(key, sid=message.sid, status=message.status or "queued",
                                      at=self._now())
                return message.sid or ""
        return ""

    @staticmethod
    def _final(error: TwilioRestException, key: str) -> DeliveryResult:
        code = error.code or 0
        if code in _UNREACHABLE:
            log.info("SMS for outbox message %s refused: %s %s", key, code, _UNREACHABLE[code])
            return DeliveryResult(DeliveryOutcome.BLOCKED, f"{code} {_UNREACHABLE[code]}")
        log.info("SMS for outbox message %s refused: %s %s", key, error.status, code)
        return DeliveryResult(DeliveryOutcome.REJECTED, f"{error.status} {code}")
