"""What several suites share: a provider that misbehaves on purpose, and the checks on errors.

`FaultyProvider` is a local HTTP server put between an adapter and its provider (the real
service's stand-in, or the service itself in a vendor's sandbox). It passes requests through
untouched until told to fail:

- `fail()`: every request is answered 503 (a provider error: retryable);
- `silence()`: requests are accepted and never answered (the adapter's timeout must end it);
- `lose_answers(n)`: the next `n` requests reach the provider, which acts on them, and the
  answer is dropped on the way back (what a cut connection looks like: did it happen or not?);
- `heal()`: back to passing through.

Standard library only, so a vendor's package can use it without Madoguchi's test tree. Every
connection it holds is closed when the `with` block ends.
"""

from __future__ import annotations

import contextlib
import http.client
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

__all__ = ["FaultyProvider", "faulty_provider", "quick", "text_of"]

_DROPPED = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class FaultyProvider:
    def __init__(self, target: str | None) -> None:
        self.target = target.rstrip("/") if target else None
        self.mode = "pass" if target else "fail"
        self._lost = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self.requests: list[str] = []  # "METHOD /path" of every request received
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, name="faulty-provider",
                                          daemon=True)
        self._acceptor.start()

    # -- the knobs ---------------------------------------------------------------------------

    def fail(self) -> None:
        self.mode = "fail"

    def silence(self) -> None:
        self.mode = "silent"

    def lose_answers(self, count: int = 1) -> None:
        with self._lock:
            self._lost = count

    def heal(self) -> None:
        self.mode = "pass"
        with self._lock:
            self._lost = 0

    def close(self) -> None:
        self._stopped.set()
        self._acceptor.join(timeout=5)
        self._listener.close()
        for thread in list(self._threads):
            thread.join(timeout=5)

    # -- serving -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(connection,),
                                      name="faulty-provider-request", daemon=True)
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.closing(connection):
            connection.settimeout(5)
            try:
                method, path, headers, body = _read_request(connection)
            except (OSError, ValueError):
                return
            self.requests.append(f"{method} {path}")
            if self.mode == "silent":
                self._stopped.wait()
                return
            if self.mode == "fail" or self.target is None:
                connection.sendall(_response(503, "Service Unavailable", [
                    ("Content-Type", "application/json")], b'{"error":"unavailable"}'))
                return
            try:
                answer = self._forward(method, path, headers, body)
            except OSError:  # the provider itself is down: say so as a gateway would
                answer = _response(502, "Bad Gateway", [], b"")
            with self._lock:
                lose, self._lost = self._lost > 0, max(self._lost - 1, 0)
            if not lose:
                connection.sendall(answer)

    def _forward(self, method: str, path: str, headers: list[tuple[str, str]],
                 body: bytes) -> bytes:
        assert self.target is not None
        target = urlsplit(self.target)
        upstream = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port,
                                              timeout=10)
        try:
            kept = {name: value for name, value in headers if name.lower() not in _DROPPED}
            upstream.request(method, f"{target.path}{path}", body=body or None, headers=kept)
            reply = upstream.getresponse()
            content = reply.read()
            passed = [(n, v) for n, v in reply.getheaders() if n.lower() not in _DROPPED]
            return _response(reply.status, reply.reason, passed, content)
        finally:
            upstream.close()


def _read_request(connection: socket.socket) -> tuple[str, str, list[tuple[str, str]], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            raise ValueError("the client went away")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _version = lines[0].split(" ", 2)
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:]
               if ":" in line]
    length = next((int(v) for n, v in headers if n.lower() == "content-length"), 0)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            raise ValueError("the client went away")
        body += chunk
    return method, path, [(n, v) for n, v in headers], body


def _response(status: int, reason: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}"] + [f"{n}: {v}" for n, v in headers]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


@contextmanager
def faulty_provider(target: str | None = None) -> Iterator[FaultyProvider]:
    """`with faulty_provider(stand_in_url) as provider:` point the adapter at `provider.url`.
    Without a target it can only fail or stay silent."""
    provider = FaultyProvider(target)
    try:
        yield provider
    finally:
        provider.close()


@contextmanager
def quick(limit: float) -> Iterator[None]:
    """The block must end (return or raise) within `limit` seconds: a provider that does not
    answer must not hang the caller past the adapter's timeout."""
    started = time.monotonic()
    try:
        yield
    finally:
        took = time.monotonic() - started
        assert took < limit, f"the call took {took:.1f} s, more than {limit} s"


def text_of(error: BaseException) -> str:
    """Everything an error shows: its message, its arguments and its public attributes (a
    `detail`, a `code`), for the checks that no personal data is in it."""
    parts = [str(error), repr(error.args)]
    parts += [str(value) for name, value in vars(error).items() if not name.startswith("_")]
    return "\n".join(parts)
