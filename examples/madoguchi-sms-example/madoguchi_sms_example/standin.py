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
its status to its status_callback, and a resident's reply to the account's inbound URL, each
signed with the account's webhook secret (the format: webhook.py). The stand-in keeps what it
would post in `callbacks` and posts it, signed, when told (`pump_callbacks`, `reply`).

    with running_standin(token="t", sender="+815012345678", webhook_secret="s" * 16,
                         inbound_url="https://town/sms/example-http/webhook") as vendor:
        vendor.base_url           # http://127.0.0.1:<port>
        vendor.inbox("+8190…")    # the messages that number received
        vendor.fail_next(2)       # the next two requests answer 503 (0: none)
        vendor.undeliverable.add("+8190…")  # its messages fail: unknown_number
        vendor.pump_callbacks()   # posts the statuses not posted yet: their HTTP statuses
        vendor.reply("+8190…", "はい")  # a resident's SMS to the town: (its id, HTTP status)
        vendor.deliver(url, event)  # posts one event, signed (a redelivery, say)
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from attrs import frozen

from madoguchi_sms_example.webhook import signature

__all__ = ["Poster", "Received", "StandIn", "post_over_http", "running_standin"]

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


Poster = Callable[[str, bytes, dict[str, str]], int]  # (url, body, headers) → HTTP status


def post_over_http(url: str, body: bytes, headers: dict[str, str]) -> int:
    """The vendor's webhook delivery: a real POST, its HTTP status (0: nobody answered)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as refused:
        return int(refused.code)
    except OSError:
        return 0


class StandIn:
    def __init__(self, token: str, sender: str, *, webhook_secret: str = "",
                 inbound_url: str = "", post: Poster = post_over_http) -> None:
        self.token, self.sender = token, sender
        # where its webhooks go: `post` over HTTP by default (a test may post into its app)
        self.webhook_secret, self.inbound_url, self.post = webhook_secret, inbound_url, post
        self.base_url = ""
        self.requests = 0  # every request that reached it
        self.callbacks: list[tuple[str, dict[str, str]]] = []  # what it would post
        self.undeliverable: set[str] = set()  # numbers its messages fail to: unknown_number
        self._pumped = 0  # how many of `callbacks` were posted
        self._by_key: dict[str, tuple[tuple[str, str, str, str], Received]] = {}
        self._failing = 0
        self._lock = threading.Lock()

    def sign(self, body: bytes) -> str:
        """X-Example-Signature's value, now: t=<unix>,sha256=<hex HMAC-SHA256 of "<t>.<body>">
        (webhook.signature)."""
        return signature(self.webhook_secret, body)

    def deliver(self, url: str, event: dict[str, str]) -> int:
        """Posts one webhook event, signed: the town's HTTP status."""
        body = json.dumps(event, ensure_ascii=False).encode()
        return self.post(url, body, {"Content-Type": "application/json",
                                      "X-Example-Signature": self.sign(body)})

    def pump_callbacks(self) -> list[int]:
        """Posts the statuses not posted yet, in order: the town's HTTP statuses."""
        with self._lock:
            pending, self._pumped = self.callbacks[self._pumped:], len(self.callbacks)
        return [self.deliver(url, event) for url, event in pending]

    def reply(self, number: str, text: str) -> tuple[str, int]:
        """A resident's SMS from `number` to the account's sender, posted to the inbound URL:
        its id and the town's HTTP status."""
        event = {"type": "message.inbound", "id": f"in_{secrets.token_hex(12)}",
                 "from": number, "to": self.sender, "text": text}
        return event["id"], self.deliver(self.inbound_url, event)

    def inbox(self, number: str) -> list[Received]:
        with self._lock:
            return [sent for _, sent in self._by_key.values() if sent.to == number]

    def received(self) -> list[Received]:
        """Every message it accepted, in order."""
        with self._lock:
            return [sent for _, sent in self._by_key.values()]

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
                failed = sent.to in self.undeliverable
                self.callbacks.append((sent.status_callback, {
                    "type": "message.status", "id": sent.id,
                    "status": "failed" if failed else "delivered",
                    "error_code": "unknown_number" if failed else ""}))
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

    def __init__(self, standin: StandIn, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.standin = standin


@contextmanager
def running_standin(token: str, sender: str, *, webhook_secret: str = "",
                    inbound_url: str = "", post: Poster = post_over_http,
                    port: int = 0) -> Iterator[StandIn]:
    """The stand-in on `port` of 127.0.0.1 (0: a free one), stopped on the way out."""
    standin = StandIn(token, sender, webhook_secret=webhook_secret, inbound_url=inbound_url,
                      post=post)
    server = _Server(standin, port)
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
