"""LINE's chat signs (ADR 0051): the loading animation (`POST /v2/bot/chat/loading/start`, the
SDK's `show_loading_animation`) and the read mark (`POST /v2/bot/chat/markAsRead`, its
`mark_messages_as_read_by_token`).

Each call goes to a small thread pool and the caller returns at once: the webhook that accepted
the event answers LINE without waiting for either. One try, a short timeout, no retry: dots that
come late or a 「既読」 that never comes are not worth a second request; a failure is logged.

The two signs go out on `http.client` connections kept open, one a signs thread, not through
the SDK's client (ADR 0079): the SDK's layers and urllib3's pool were three quarters of a dots
request's CPU, and during a burst the dots are one request per event beside the webhook's own
answer. What the SDK gave these two calls is kept here: the bearer token, the JSON body, the
timeouts, one try (a connection LINE closed while it idled is opened again for the same try),
and the answer's status in the log line. The messenger's pushes and replies, which retry and
need the SDK's errors, still go through it."""

from __future__ import annotations

import http.client
import json
import logging
import select
import ssl
import threading
import urllib.parse
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from typing import Any

import certifi

__all__ = ["LineChatSignals"]

log = logging.getLogger(__name__)

_LOADING = "/v2/bot/chat/loading/start"
_MARK_READ = "/v2/bot/chat/markAsRead"


class LineChatSignals:
    def __init__(self, *, access_token: str, base_url: str, loading_seconds: int = 20,
                 timeout: tuple[float, float] = (2.0, 5.0),
                 executor: Executor | None = None) -> None:
        """`loading_seconds`: how long the dots show at most (5 to 60, in steps of 5); the
        town's reply ends them sooner."""
        if not 5 <= loading_seconds <= 60 or loading_seconds % 5:
            raise ValueError("loading_seconds is a multiple of 5 from 5 to 60")
        self._courier = _Courier(base_url, access_token, timeout)
        self._seconds = loading_seconds
        self._lock = threading.Lock()
        self._showing: dict[str, Future[None]] = {}  # the dots asked for and not sent yet
        self._executor = executor or ThreadPoolExecutor(max_workers=2,
                                                        thread_name_prefix="line-signals")

    def show_working(self, address: str) -> None:
        body = {"chatId": address, "loadingSeconds": self._seconds}
        future = self._soon("loading animation", lambda: self._courier.post(_LOADING, body))
        with self._lock:
            self._showing[address] = future
        future.add_done_callback(lambda done: self._forget_showing(address, done))

    def settle(self, address: str, timeout: float = 1.0) -> None:
        """Wait, up to `timeout`, for the dots asked for this chat to have been sent: a reply
        that reached LINE before them would leave them showing after it (the messenger asks
        before it sends to a resident)."""
        with self._lock:
            future = self._showing.get(address)
        if future is not None:
            wait([future], timeout)

    def _forget_showing(self, address: str, done: Future[None]) -> None:
        with self._lock:
            if self._showing.get(address) is done:
                del self._showing[address]

    def mark_read(self, read_token: str) -> None:
        body = {"markAsReadToken": read_token}
        self._soon("mark as read", lambda: self._courier.post(_MARK_READ, body))

    def _soon(self, what: str, call: Callable[[], int]) -> Future[None]:
        def run() -> None:
            try:
                status = call()
            except Exception as error:  # logged without the user id or the token
                log.info("LINE %s not accepted (%s)", what, type(error).__name__)
                return
            if not 200 <= status < 300:
                log.info("LINE %s not accepted (%s)", what, status)

        return self._executor.submit(run)

    def stop(self) -> None:
        """Wait for what was asked, then end the threads (at the container's shutdown)."""
        self._executor.shutdown(wait=True)
        self._courier.close()


class _Courier:
    """POSTs JSON to LINE's API on a connection kept open in each thread that calls it."""

    def __init__(self, base_url: str, access_token: str,
                 timeout: tuple[float, float]) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) address: {base_url!r}")
        self._https = parts.scheme == "https"
        self._host, self._port, self._prefix = parts.hostname, parts.port, parts.path.rstrip("/")
        self._connect_timeout, self._read_timeout = timeout
        self._context = ssl.create_default_context(cafile=certifi.where()) if self._https else None
        self._headers = {"Authorization": f"Bearer {access_token}",
                         "Content-Type": "application/json", "Accept": "application/json"}
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: set[http.client.HTTPConnection] = set()  # for `close`

    def close(self) -> None:
        """Close the connections kept open (once no thread posts any more)."""
        with self._lock:
            connections, self._open = self._open, set()
        for connection in connections:
            connection.close()

    def post(self, path: str, body: dict[str, Any]) -> int:
        """The answer's status; raises on a connection that failed or timed out."""
        payload = json.dumps(body, ensure_ascii=False).encode()
        kept = getattr(self._local, "connection", None)
        if kept is not None and _closed_by_peer(kept):  # as urllib3 checks before reusing one
            self._forget(kept)
            kept = None
        try:
            return self._exchange(kept or self._connect(), path, payload)
        except (ConnectionError, http.client.BadStatusLine, ssl.SSLError):
            if kept is None:
                raise
            # LINE (or a proxy) closed the connection as it was reused: one more for this try
            return self._exchange(self._connect(), path, payload)

    def _connect(self) -> http.client.HTTPConnection:
        connection = (http.client.HTTPSConnection(self._host, self._port,
                                                  timeout=self._connect_timeout,
                                                  context=self._context)
                      if self._https else
                      http.client.HTTPConnection(self._host, self._port,
                                                 timeout=self._connect_timeout))
        self._local.connection = None
        connection.connect()
        connection.sock.settimeout(self._read_timeout)
        with self._lock:
            self._open.add(connection)
        return connection

    def _forget(self, connection: http.client.HTTPConnection) -> None:
        connection.close()
        self._local.connection = None
        with self._lock:
            self._open.discard(connection)

    def _exchange(self, connection: http.client.HTTPConnection, path: str,
                  payload: bytes) -> int:
        try:
            connection.request("POST", self._prefix + path, body=payload, headers=self._headers)
            response = connection.getresponse()
            response.read()
        except BaseException:
            self._forget(connection)
            raise
        if response.will_close:
            self._forget(connection)
        else:
            self._local.connection = connection
        return response.status


def _closed_by_peer(connection: http.client.HTTPConnection) -> bool:
    """Whether the idle connection has something to read: the peer's close (or bytes no request
    asked for); either way it is not to be used again."""
    sock = connection.sock
    if sock is None:
        return True
    try:  # poll: select() refuses descriptors past 1,024, which a busy web process reaches
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    except (OSError, ValueError):
        return True
