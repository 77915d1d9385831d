"""A local stand-in for the vendor's SMS API: real HTTP on 127.0.0.1, checking what a real
vendor would check, so the adapter's tests (and Madoguchi's contract suite) talk to something
that refuses what the vendor would refuse.

The vendor's API (version 1), as the adapter (client.py) uses it:

    POST /v1/messages
    Authorization: Bearer <token>
    Idempotency-Key: <1-255 printable ASCII characters>
    Content-Type: application/json

    {"from": "+815012345678", "to": "+819012345678", "text": "...",
     "status_callback": "https://..."}          (status_callback: optional)

    201 {"id": "msg_…", "status": "accepted"}   accepted: it will be sent
    200 {"id": "msg_…", "status": "accepted"}   the same key with the same request: nothing new
    400 {"error": {"code": "invalid_recipient"}}  `to` cannot take SMS (not a mobile number)
    401 {"error": {"code": "unauthorized"}}     no or wrong bearer token
    403 {"error": {"code": "sender_not_allowed"}}  `from` is not the account's sender
    409 {"error": {"code": "idempotency_key_reused"}}  the key came with another request
    422 {"error": {"code": "invalid_request", "message": "..."}}  the request's shape is wrong
    429 {"error": {"code": "rate_limited"}}     try again later (nothing was taken)
    5xx {"error": {"code": "unavailable"}}      try again later, with the same key

An error's body never repeats the number or the text. Once a message is sent, the vendor posts
{"id", "status": "delivered" | "failed", "error_code"} to its status_callback; the stand-in keeps
what it would post in `callbacks`.

    with running_standin(token="t", sender="+815012345678") as vendor:
        vendor.base_url           # http://127.0.0.1:<port>
        vendor.inbox("+8190…")    # the messages that number received
        vendor.fail_next(2)       # the next two requests answer 503 (0: none)
"""

from __future__ import annotations

import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import frozen

__all__ = ["Received", "StandIn", "running_standin"]

MOBILE = re.compile(r"\+81[789]0\d{8}")  # Japanese mobile numbers in E.164
KEY = re.compile(r"[\x21-\x7e]{1,255}")
FIELDS = {"from", "to", "text"}
OPTIONAL = {"status_callback"}
MAX_TEXT = 670  # ten segments of 67 characters (UCS-2)


@frozen
class Received:
    id: str
    sender: str
    to: str
    body: str
    status_callback: str
    idempotency_key: str


class StandIn:
    def __init__(self, token: str, sender: str) -> None:
        self.token, self.sender = token, sender
        self.base_url = ""
        self.requests = 0  # every request that reached it
        self.callbacks: list[tuple[str, dict[str, str]]] = []  # what it would post
        self._by_key: dict[str, tuple[tuple[str, str, str, str], Received]] = {}
        self._failing = 0
        self._lock = threading.Lock()

    def inbox(self, number: str) -> list[Received]:
        with self._lock:
            return [sent for _, sent in self._by_key.values() if sent.to == number]

    def fail_next(self, times: int) -> None:
        """The next `times` requests answer 503 (taking nothing); 0: answer again."""
        with self._lock:
            self._failing = times

    def handle(self, method: str, path: str, headers: Any,
               raw: bytes) -> tuple[int, dict[str, Any]]:
        """One request: its status and JSON body."""
        with self._lock:
            self.requests += 1
            if (method, path) != ("POST", "/v1/messages"):
                return 404, _error("not_found")
            if headers.get("Authorization", "") != f"Bearer {self.token}":
                return 401, _error("unauthorized")
            key = headers.get("Idempotency-Key", "")
            if not KEY.fullmatch(key):
                return 422, _error("invalid_request", "Idempotency-Key: 1-255 printable ASCII")
            if headers.get("Content-Type", "").split(";")[0].strip() != "application/json":
                return 422, _error("invalid_request", "Content-Type: application/json")
            try:
                payload = json.loads(raw)
            except ValueError:
                return 422, _error("invalid_request", "the body is not JSON")
            problem = _shape(payload)
            if problem:
                return 422, _error("invalid_request", problem)
            if self._failing:
                self._failing -= 1
                return 503, _error("unavailable")
            if payload["from"] != self.sender:
                return 403, _error("sender_not_allowed")
            request = (payload["from"], payload["to"], payload["text"],
                       payload.get("status_callback", ""))
            if key in self._by_key:
                earlier, sent = self._by_key[key]
                if earlier != request:
                    return 409, _error("idempotency_key_reused")
                return 200, {"id": sent.id, "status": "accepted"}
            if not MOBILE.fullmatch(payload["to"]):
                return 400, _error("invalid_recipient")
            sent = Received(id=f"msg_{secrets.token_hex(12)}", sender=payload["from"],
                            to=payload["to"], body=payload["text"],
                            status_callback=request[3], idempotency_key=key)
            self._by_key[key] = (request, sent)
            if sent.status_callback:
                self.callbacks.append((sent.status_callback,
                                       {"id": sent.id, "status": "delivered", "error_code": ""}))
            return 201, {"id": sent.id, "status": "accepted"}


def _shape(payload: Any) -> str:
    """What is wrong with the request's JSON ("": nothing)."""
    if not isinstance(payload, dict):
        return "the body is a JSON object"
    missing, unknown = FIELDS - payload.keys(), payload.keys() - FIELDS - OPTIONAL
    if missing or unknown:
        return f"fields missing: {sorted(missing)}, unknown: {sorted(unknown)}"
    if not all(isinstance(payload[name], str) for name in payload):
        return "every field is a string"
    if not payload["text"] or len(payload["text"]) > MAX_TEXT:
        return f"text: 1-{MAX_TEXT} characters"
    return ""


def _error(code: str, message: str = "") -> dict[str, Any]:
    return {"error": {"code": code, **({"message": message} if message else {})}}


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, body = self.server.standin.handle(self.command, self.path, self.headers, raw)
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # numbers stay out of the logs
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, standin: StandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.standin = standin


@contextmanager
def running_standin(token: str, sender: str) -> Iterator[StandIn]:
    """The stand-in on a free port of 127.0.0.1, stopped on the way out."""
    standin = StandIn(token, sender)
    server = _Server(standin)
    standin.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    # a short poll: `shutdown` waits for the loop's next look
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                              name="sms-example-standin", daemon=True)
    thread.start()
    try:
        yield standin
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
