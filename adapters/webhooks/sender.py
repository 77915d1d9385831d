"""POST one signed webhook delivery to a town's system over `http.client`: a short timeout for
each step and a deadline for the whole request (a receiver that answers a byte at a time is cut
off, so it can neither hold the outbox's dispatcher nor outlive the delivery's claim), no
redirects followed (a redirect is the receiver's misconfiguration: refused, not chased), no
proxy or credentials of the host applied to a town-entered URL, and the receiver's answer
reduced to its status (its body is never read into the log)."""

from __future__ import annotations

import contextlib
import http.client
import socket
import ssl
import threading
import time
import urllib.parse
from collections.abc import Mapping

from application.ports.webhooks import WebhookAnswer

__all__ = ["HttpWebhookSender"]

TIMEOUT = (5, 10)  # connect, each read (seconds)
DEADLINE = 20.0  # the whole request (seconds): well inside a delivery's claim


class HttpWebhookSender:
    def __init__(self, *, timeout: tuple[float, float] = TIMEOUT,
                 deadline: float = DEADLINE) -> None:
        self._connect, self._read = timeout
        self._deadline = deadline
        self._tls = ssl.create_default_context()

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> WebhookAnswer:
        started = time.monotonic()
        parts = urllib.parse.urlsplit(url)
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(parts.hostname or "", parts.port,
                                                     timeout=self._connect, context=self._tls)
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port,
                                                    timeout=self._connect)
        cut = threading.Event()
        watchdog = threading.Timer(self._deadline, _cut_off, (connection, cut))
        watchdog.daemon = True
        watchdog.start()
        step = "connect"
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(self._read)
            step = "read"
            path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
            connection.request("POST", path, body=body, headers=dict(headers))
            status = connection.getresponse().status
        except (OSError, http.client.HTTPException, ValueError) as error:
            return WebhookAnswer(status=None, duration_ms=_since(started),
                                 error=_error_name(error, step, cut.is_set()))
        finally:
            watchdog.cancel()
            connection.close()
        return WebhookAnswer(status=status, duration_ms=_since(started))

    def close(self) -> None:
        """Nothing kept between requests: each delivery has its own connection."""


def _cut_off(connection: http.client.HTTPConnection, cut: threading.Event) -> None:
    cut.set()
    if connection.sock is not None:
        with contextlib.suppress(OSError):  # closed meanwhile
            connection.sock.shutdown(socket.SHUT_RDWR)  # the blocked read returns at once


def _error_name(error: BaseException, step: str, cut: bool) -> str:
    """What the delivery log shows: the kind of failure, never its text (it may carry the
    receiver's address or answer)."""
    if cut:
        return "DeadlineExceeded"
    if isinstance(error, TimeoutError):
        return "ConnectTimeout" if step == "connect" else "ReadTimeout"
    if isinstance(error, ConnectionError | socket.gaierror) and step == "connect":
        return "ConnectionError"
    return type(error).__name__


def _since(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
