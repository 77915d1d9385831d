"""The adapter: Madoguchi's `MessagingChannel` port over the vendor's HTTP API (standin.py says
what the API takes and answers).

What the port asks of an SMS channel, and how this adapter keeps it:
- one request per recipient (`one_by_one`), each under the outbox's idempotency key, sent as the
  vendor's Idempotency-Key header: a repeat (a retry, a dispatcher that died mid-send) is taken
  once by the vendor, and answers with the first message's id;
- the message's choices go as ONE personal link to the resident's web page (`links`), where one
  tap answers; the link for the same message is the same on a retry;
- 2xx is DELIVERED (accepted: the vendor's status callback says the rest); 5xx, 429, a timeout
  or no connection is RETRY_LATER (tried again by the outbox with the same key); a 400
  `invalid_recipient` is BLOCKED; any other 4xx is REJECTED (never retried);
- a result's detail names the HTTP status and the vendor's error code, never the number or
  the text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

import requests

from application.ports.messaging import (
    PAGE_LINK,
    DeliveryOutcome,
    DeliveryResult,
    LinkMaker,
    OutgoingMessage,
)

__all__ = ["ExampleHttpSms", "render"]

log = logging.getLogger(__name__)


def render(messages: Sequence[OutgoingMessage], personal_link: Callable[[], str]) -> str:
    """One SMS body: the texts, each link button as「label: url」, and one personal link for
    the choices to answer (asked for at most once)."""
    lines, needs_link = [], False
    for message in messages:
        lines.append(message.text.strip())
        for choice in message.choices:
            if choice.url and choice.url != PAGE_LINK:
                lines.append(f"{choice.label}: {choice.url}")
            else:
                needs_link = True
    if needs_link:
        lines.append(f"こちらから回答できます: {personal_link()}")
    return "\n".join(line for line in lines if line)


class ExampleHttpSms:
    name = "sms"
    one_by_one = True  # each message carries its own personal link: never in a group send

    def preview(self, messages: Sequence[OutgoingMessage],
                personal_link: Callable[[], str]) -> str:
        """The SMS as this adapter writes it, for the staff's preview of a campaign (an SMS
        channel without `preview` is shown the built-in way)."""
        return render(messages, personal_link)

    def __init__(self, *, api_url: str, token: str, sender: str, links: LinkMaker,
                 status_callback_url: str = "", timeout: float = 10.0, max_attempts: int = 3,
                 backoff: float = 0.2, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._url = f"{api_url.rstrip('/')}/v1/messages"
        self._token, self.sender, self._links = token, sender, links
        self._callback, self._timeout = status_callback_url, timeout
        self._max_attempts, self._backoff, self._sleep = max_attempts, backoff, sleep
        self._session = session or requests.Session()
        self._session.trust_env = False  # no proxy or .netrc from the environment

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        """`reply_token` is LINE's (SMS has none). `retaken` needs nothing more here: the
        vendor takes a key once, so sending again under it is the look-up."""
        body = render(messages, lambda: self._links.link_for(self.name, recipient,
                                                              idempotency_key))
        request = {"from": self.sender, "to": recipient, "text": body}
        if self._callback:
            request["status_callback"] = self._callback
        headers = {"Authorization": f"Bearer {self._token}", "Idempotency-Key": idempotency_key}
        last = ""
        for attempt in range(self._max_attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1))
            try:
                answer = self._session.post(self._url, json=request, headers=headers,
                                            timeout=self._timeout)
            except requests.RequestException as error:
                last = f"transport: {type(error).__name__}"
                continue
            if answer.status_code < 300:  # its id only where a status will follow for it
                return DeliveryResult(DeliveryOutcome.DELIVERED,
                                      provider_ref=_id(answer) if self._callback else "")
            last = f"HTTP {answer.status_code} {_code(answer)}".strip()
            if answer.status_code == 429 or answer.status_code >= 500:
                continue
            if answer.status_code == 400 and _code(answer) == "invalid_recipient":
                return DeliveryResult(DeliveryOutcome.BLOCKED, last)
            if answer.status_code == 401:
                log.error("the SMS vendor refused the token (EXAMPLE_SMS_TOKEN)")
            return DeliveryResult(DeliveryOutcome.REJECTED, last)
        log.warning("SMS for outbox message %s not accepted yet (%s)", idempotency_key, last)
        return DeliveryResult(DeliveryOutcome.RETRY_LATER, last)

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        """No group send: one request each, each under its own key (and its own link)."""
        return [([recipient], self.send(recipient, messages,
                                        idempotency_key=f"{idempotency_key}:{recipient}"))
                for recipient in recipients]


def _id(answer: requests.Response) -> str:
    """The vendor's id of the accepted message ("" if its answer has none)."""
    try:
        found = answer.json().get("id", "")
    except (ValueError, AttributeError):
        return ""
    return found if isinstance(found, str) else ""


def _code(answer: requests.Response) -> str:
    """The vendor's error code (a word it chose: never the number or the text)."""
    try:
        code = answer.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return ""
    return code if isinstance(code, str) and code.isidentifier() else ""
