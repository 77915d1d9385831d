"""Outbound e-mail over SMTP with the standard library (`smtplib`), connections kept open.

Each message goes by itself (`one_by_one`: every mail has its own personal link and its own
Message-ID, derived from the outbox id), over connections kept open between sends: a batch of
hundreds costs one connection (STARTTLS and login once) per dispatcher thread. A connection idle
for a while is checked with NOOP before use, and one the server closed is replaced.

SMTP has no idempotency key: once the server has answered 250 to the end of DATA the mail is
out, and if the connection drops before that answer nobody knows. We choose at-least-once
(ADR 0040): an unanswered send is retried, with the same Message-ID, so a rare duplicate is
recognisable (and collapsed by the big mailbox providers); a Message-ID this process saw
accepted is not sent again. Answers map to outcomes: 4xx and connection trouble → RETRY_LATER;
5xx to RCPT (550 user unknown: a hard bounce) → BLOCKED, so the ladder moves on; any other
5xx → REJECTED. Details name the SMTP stage and code, never an address or the server's text
(which often quotes the address). 5xx to MAIL FROM or the session concerns our own settings:
RETRY_LATER, never a reason to shut a resident's address.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import queue
import re
import smtplib
import ssl
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from adapters.email.rendering import (
    MailIdentity,
    Rendered,
    is_essential,
    message_id_for,
    needs_link,
    render,
)
from application.ports.messaging import (
    DeliveryOutcome,
    DeliveryResult,
    LinkMaker,
    OutgoingMessage,
)

__all__ = ["SmtpMailer"]

log = logging.getLogger(__name__)

_ADDRESS = re.compile(r"^[^\s@<>,;\"]{1,64}@[A-Za-z0-9.-]{1,253}$")
_WIRE = email.policy.compat32.clone(linesep="\r\n")  # SMTP's line ends (RFC 5321)
REMEMBERED = 50_000  # Message-IDs accepted by this process, newest kept
IDLE_CHECK = 5.0  # seconds idle after which a kept connection is checked with NOOP
_CONNECTION_ERRORS = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError,
                      smtplib.SMTPHeloError, smtplib.SMTPNotSupportedError, OSError)


class _Refused(Exception):
    def __init__(self, result: DeliveryResult) -> None:
        super().__init__(result.detail)
        self.result = result


def _answer(stage: str, code: int) -> DeliveryResult:
    """4xx: later. 5xx to RCPT: this mailbox is gone. 5xx to DATA: this mail is refused (too
    big, its content). 5xx to MAIL FROM or the session (530 authentication required, a sender
    the relay does not accept) is about our settings, not the resident: later, until fixed."""
    if code >= 500 and stage == "rcpt":
        return DeliveryResult(DeliveryOutcome.BLOCKED, f"{stage} {code} (hard bounce)")
    if code >= 500 and stage == "data":
        return DeliveryResult(DeliveryOutcome.REJECTED, f"{stage} {code}")
    return DeliveryResult(DeliveryOutcome.RETRY_LATER, f"{stage} {code}")


class SmtpMailer:
    """A `MessagingChannel`: `send` is one mail; `send_many` sends one mail per recipient (each
    has their own link and Message-ID, and nobody sees another's address) and returns one group
    per recipient with its own result. `close()` ends the kept connections."""

    name = "email"
    one_by_one = True  # the dispatcher sends each outbox message by itself (its own key)

    def __init__(self, *, host: str, port: int = 587, username: str = "", password: str = "",
                 starttls: bool = True, sender: MailIdentity, links: LinkMaker | None,
                 unsubscribe_link: Callable[[str], str] | None = None, timeout: float = 10.0,
                 ssl_context: ssl.SSLContext | None = None,
                 clock: Callable[[], dt.datetime] | None = None, keep_open: int = 8) -> None:
        self._host, self._port, self._timeout = host, port, timeout
        self._username, self._password, self._starttls = username, password, starttls
        self._ssl_context = ssl_context
        self.sender, self._links, self._unsubscribe_link = sender, links, unsubscribe_link
        self._now = clock or (lambda: dt.datetime.now(dt.UTC))
        self._accepted: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()
        self._idle: queue.LifoQueue[tuple[smtplib.SMTP, float]] = queue.LifoQueue()
        self._keep_open = keep_open

    # -- the port ----------------------------------------------------------------------------

    def send(self, recipient: str, messages: Sequence[OutgoingMessage], *,
             idempotency_key: str, reply_token: str | None = None,
             retaken: bool = False) -> DeliveryResult:
        """`reply_token` and `retaken` are LINE's replies'; mail has neither."""
        [(_, result)] = self._deliver([recipient], messages, idempotency_key)
        return result

    def send_many(self, recipients: Sequence[str], messages: Sequence[OutgoingMessage], *,
                  idempotency_key: str) -> list[tuple[list[str], DeliveryResult]]:
        return self._deliver(list(recipients), messages, idempotency_key)

    # -- sending -----------------------------------------------------------------------------

    def _deliver(self, recipients: list[str], messages: Sequence[OutgoingMessage],
                 key: str) -> list[tuple[list[str], DeliveryResult]]:
        if not self._host:  # the town's settings, not the address: kept until set (ADR 0040)
            return [([r], DeliveryResult(DeliveryOutcome.RETRY_LATER, "e-mail is not set up "
                                         "(MADOGUCHI_MAIL_FROM, MADOGUCHI_SMTP_HOST)"))
                    for r in recipients]
        results: list[tuple[list[str], DeliveryResult]] = []
        connection: smtplib.SMTP | None = None
        try:
            for index, recipient in enumerate(recipients):
                if not _ADDRESS.match(recipient):  # never reaches a header or the envelope
                    results.append(([recipient], DeliveryResult(DeliveryOutcome.REJECTED,
                                                                 "malformed address")))
                    continue
                message_id = message_id_for(key, recipient, self.sender)
                if self._seen(message_id):
                    results.append(([recipient], DeliveryResult(DeliveryOutcome.DELIVERED,
                                                                 "already accepted")))
                    continue
                mail = render(messages, recipient=recipient, sender=self.sender,
                              message_id=message_id, at=self._now(),
                              rendered=self._links_for(recipient, messages, key))
                try:
                    connection = connection or self._checkout()
                    connection.sendmail(self.sender.address, [recipient],
                                        mail.as_bytes(policy=_WIRE))
                except _Refused as refused:  # no session with the server: none can go now
                    results += [([later], refused.result) for later in recipients[index:]]
                    break
                except smtplib.SMTPRecipientsRefused as error:
                    [(code, _)] = error.recipients.values()
                    results.append(([recipient], _answer("rcpt", code)))
                    continue
                except smtplib.SMTPSenderRefused as error:
                    results.append(([recipient], _answer("mail", error.smtp_code)))
                    continue
                except smtplib.SMTPDataError as error:
                    results.append(([recipient], _answer("data", error.smtp_code)))
                    continue
                except smtplib.SMTPResponseException as error:
                    connection = self._drop(connection)
                    results.append(([recipient], _answer("smtp", error.smtp_code)))
                    continue
                except _CONNECTION_ERRORS as error:  # maybe sent, maybe not: at-least-once
                    connection = self._drop(connection)
                    results.append(([recipient], DeliveryResult(
                        DeliveryOutcome.RETRY_LATER, f"connection: {type(error).__name__}")))
                    continue
                self._remember(message_id)
                results.append(([recipient], DeliveryResult(DeliveryOutcome.DELIVERED)))
        finally:
            self._checkin(connection)
        return results

    def _links_for(self, recipient: str, messages: Sequence[OutgoingMessage],
                   key: str) -> Rendered:
        linked = needs_link(messages)
        personal = (self._links.link_for(self.name, recipient, key)
                    if linked and self._links is not None else None)
        unsubscribe = (self._unsubscribe_link(recipient)
                       if self._unsubscribe_link and not is_essential(messages) else None)
        return Rendered(personal_link=personal, unsubscribe_link=unsubscribe,
                        answer_at_counter=linked and personal is None)

    def close(self) -> None:
        """End every kept connection (at shutdown, and in tests)."""
        while True:
            try:
                connection, _ = self._idle.get_nowait()
            except queue.Empty:
                return
            self._drop(connection)

    def _checkout(self) -> smtplib.SMTP:
        """A kept connection that still answers, or a new one."""
        while True:
            try:
                connection, since = self._idle.get_nowait()
            except queue.Empty:
                return self._connect()
            if time.monotonic() - since < IDLE_CHECK:
                return connection
            try:
                if connection.noop()[0] == 250:
                    return connection
            except (smtplib.SMTPException, OSError):
                pass
            self._drop(connection)

    def _checkin(self, connection: smtplib.SMTP | None) -> None:
        if connection is None:
            return
        if self._idle.qsize() < self._keep_open:
            self._idle.put((connection, time.monotonic()))
        else:
            self._drop(connection)

    def _connect(self) -> smtplib.SMTP:
        """A connection ready for mail (STARTTLS and login done), or `_Refused` saying why."""
        try:
            connection = smtplib.SMTP(self._host, self._port, timeout=self._timeout)
        except _CONNECTION_ERRORS as error:
            raise _Refused(DeliveryResult(DeliveryOutcome.RETRY_LATER,
                                          f"connect: {type(error).__name__}")) from None
        try:
            connection.ehlo()
            if self._starttls:
                connection.starttls(context=self._ssl_context or ssl.create_default_context())
                connection.ehlo()
            if self._username:
                connection.login(self._username, self._password)
        except smtplib.SMTPAuthenticationError as error:  # our settings: retried once fixed
            self._drop(connection)
            raise _Refused(DeliveryResult(DeliveryOutcome.RETRY_LATER,
                                          f"auth {error.smtp_code}")) from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop(connection)
            raise _Refused(DeliveryResult(DeliveryOutcome.RETRY_LATER,
                                          f"session: {type(error).__name__}")) from None
        return connection

    @staticmethod
    def _drop(connection: smtplib.SMTP | None) -> None:
        if connection is None:
            return None
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()
        return None

    def _seen(self, message_id: str) -> bool:
        with self._lock:
            return message_id in self._accepted

    def _remember(self, message_id: str) -> None:
        with self._lock:
            self._accepted[message_id] = None
            while len(self._accepted) > REMEMBERED:
                self._accepted.popitem(last=False)
