"""Run a small Flask app on 127.0.0.1 and a free port for the length of a test, and leave
nothing running after it."""

from __future__ import annotations

import contextlib
import functools
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

__all__ = ["EndsItsRequests", "serving"]


class EndsItsRequests:
    """For a threaded `socketserver` server: `stop()` ends it together with its request threads.
    `shutdown()` alone only stops accepting; a request still being read (or a client keeping its
    connection open for the next one, as HTTP/1.1 allows) would keep its thread waiting."""

    request_thread_name = "server-request"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._requests_lock = threading.Lock()
        self._requests: dict[Any, threading.Thread] = {}
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread,  # type: ignore[attr-defined]
                                  args=(request, client_address),
                                  name=self.request_thread_name, daemon=True)
        with self._requests_lock:
            self._requests[request] = thread
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        with self._requests_lock:
            self._requests.pop(request, None)
        super().shutdown_request(request)  # type: ignore[misc]

    def stop(self) -> None:
        self.shutdown()  # type: ignore[attr-defined]
        with self._requests_lock:
            open_requests = dict(self._requests)
        for connection in open_requests:
            with contextlib.suppress(OSError):  # a thread waiting to read sees the end
                connection.shutdown(socket.SHUT_RDWR)
        for thread in open_requests.values():
            thread.join(timeout=5)
        self.server_close()  # type: ignore[attr-defined]


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: object, **kwargs: object) -> None:
        pass


class _Server(EndsItsRequests, ThreadedWSGIServer):
    pass


@contextmanager
def serving(app: Flask, name: str, *, port: int = 0) -> Iterator[str]:
    """`with serving(app, "local-paypay") as base_url: ...`; `port` 0 takes a free one."""
    server = _Server("127.0.0.1", port, app, handler=_QuietHandler)
    server.request_thread_name = f"{name}-request"
    thread = threading.Thread(target=functools.partial(server.serve_forever, poll_interval=0.05),
                              name=name, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.stop()
        thread.join(timeout=5)
