"""The simulator's mail inbox: a real SMTP server (aiosmtpd) on a local port that keeps every
mail it accepts, per recipient, in memory, so `madoguchi serve --line-sim` can show each
simulated resident's e-mails, and tests and benchmarks can send through the real adapter.

Faults a town should rehearse can be switched on: addresses answered 550 at RCPT (a hard
bounce), every n-th DATA answered 451 (try again later), a required STARTTLS and a login. A
bounce that comes later, after a relay accepted the mail, is made on the inbox page
(mail_bounces.py).
"""

from __future__ import annotations

import email.policy
import itertools
import socket
import ssl
import threading
from collections import defaultdict
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session
from attrs import frozen

__all__ = ["CaughtMail", "MailCatcher", "free_port"]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


@frozen
class CaughtMail:
    number: int  # in the order accepted, from 1
    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage

    def part(self, subtype: str) -> str:
        """The text of the plain or html alternative."""
        found = self.message.get_body(preferencelist=(subtype,))
        return "" if found is None else str(found.get_content())  # type: ignore[attr-defined]


class _Handler:
    def __init__(self, catcher: MailCatcher) -> None:
        self._catcher = catcher

    async def handle_RCPT(self, server: Any, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        self._catcher.peers.add(session.peer)
        if address.lower() in self._catcher.unknown:
            return "550 5.1.1 User unknown"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Session, envelope: Envelope) -> str:
        return self._catcher.accept(envelope)


class MailCatcher:
    """Start with `start()` (or as a context manager), stop with `stop()`; `mails` are kept
    until `clear()`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int | None = None,
                 tls_context: ssl.SSLContext | None = None,
                 login: tuple[str, str] | None = None) -> None:
        self.host, self.port = host, port or free_port(host)
        self.unknown: set[str] = set()  # addresses answered 550 at RCPT
        self.defer_every = 0  # > 0: every n-th DATA is answered 451 (and nothing kept)
        self.peers: set[object] = set()  # the clients' (host, port): one per connection used
        self.bounced: set[int] = set()  # mails made to bounce on the inbox page (不達にする)
        self._data_count = itertools.count(1)
        self._lock = threading.Lock()
        self._mails: list[CaughtMail] = []
        self._deferred = 0
        kwargs: dict[str, Any] = {}
        if tls_context is not None:
            kwargs.update(tls_context=tls_context, require_starttls=True)
        if login is not None:
            kwargs.update(authenticator=_Authenticator(*login), auth_require_tls=False)
        self._controller = Controller(_Handler(self), hostname=host, port=self.port,
                                      server_hostname="localhost", **kwargs)

    def start(self) -> MailCatcher:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def accept(self, envelope: Envelope) -> str:
        if self.defer_every and next(self._data_count) % self.defer_every == 0:
            with self._lock:
                self._deferred += 1
            return "451 4.3.0 Try again later"
        self.keep(envelope.mail_from or "", envelope.rcpt_tos, envelope.original_content or b"")
        return "250 OK"

    def keep(self, mail_from: str, recipients: list[str], raw: bytes) -> CaughtMail:
        """A mail as if accepted (the simulator's own, such as a bounce report to the town)."""
        message = BytesParser(policy=email.policy.default).parsebytes(raw)
        with self._lock:
            mail = CaughtMail(len(self._mails) + 1, mail_from,
                              tuple(r.lower() for r in recipients),
                              message)  # type: ignore[arg-type]
            self._mails.append(mail)
        return mail

    @property
    def mails(self) -> list[CaughtMail]:
        with self._lock:
            return list(self._mails)

    @property
    def deferred(self) -> int:
        with self._lock:
            return self._deferred

    def inbox(self, address: str) -> list[CaughtMail]:
        return [m for m in self.mails if address.lower() in m.recipients]

    def by_recipient(self) -> dict[str, list[CaughtMail]]:
        boxes: dict[str, list[CaughtMail]] = defaultdict(list)
        for mail in self.mails:
            for recipient in mail.recipients:
                boxes[recipient].append(mail)
        return dict(boxes)

    def clear(self) -> None:
        with self._lock:
            self._mails.clear()
            self.bounced.clear()


class _Authenticator:
    def __init__(self, user: str, password: str) -> None:
        self._user, self._password = user.encode(), password.encode()

    def __call__(self, server: Any, session: Session, envelope: Envelope, mechanism: str,
                 auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == self._user
              and auth_data.password == self._password)
        return AuthResult(success=ok, handled=False)
