"""The SMS stand-in: Twilio's Messages API on a laptop, for tests, benchmarks and the simulator.

It answers what the `twilio` SDK calls (POST and GET /2010-04-01/Accounts/{sid}/Messages.json)
and checks what the SDK sends: Basic auth with the account SID and token, the account in the
path, From = the town's number, To in E.164, a Body, a StatusCallback that is an absolute URL.
It answers as Twilio does (201 with the message's JSON: sid, status queued; errors with Twilio's
codes: 21211 invalid number, 21610 unsubscribed, 21614 not a mobile, 20003 authentication), keeps
each number's inbox, and posts the status callbacks (sent, then delivered or undelivered) signed
as Twilio signs them (X-Twilio-Signature: HMAC-SHA1 over the URL and the sorted form fields,
twilio.request_validator). A resident replies from the inbox: the reply is posted, signed, to
the town's inbound webhook.

Faults as the LINE simulator's: `error_rate` answers 500 before recording, `lost_rate` records
then answers 500 (the message is there: a client that sends again sends twice), `throttle_rate`
answers 429.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.utils import format_datetime
from typing import Any

import requests
from attrs import define, field, frozen
from flask import Flask, Response, jsonify, request
from twilio.request_validator import RequestValidator

from adapters.line.simulator.running import running
from adapters.line.simulator.sms_inbox import inbox_blueprint

__all__ = ["SentSms", "SmsFaults", "SmsStandIn", "running_sms_standin", "serve_sms_standin"]

_E164 = re.compile(r"\+[1-9]\d{7,14}")
_JP_MOBILE = re.compile(r"\+81[789]0\d{8}")
Poster = Callable[[str, dict[str, str], dict[str, str]], int]


@frozen
class SmsFaults:
    error_rate: float = 0.0
    lost_rate: float = 0.0
    throttle_rate: float = 0.0
    seed: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.error_rate + self.lost_rate + self.throttle_rate > 1.0:
            raise ValueError("the fault rates must add up to at most 1")


@define
class SentSms:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str
    created_at: dt.datetime
    status: str = "queued"

    def to_json(self, account_sid: str) -> dict[str, Any]:
        return {"sid": self.sid, "account_sid": account_sid, "to": self.to, "from": self.from_,
                "body": self.body, "status": self.status, "direction": "outbound-api",
                "num_segments": "1", "num_media": "0", "price": None, "price_unit": "JPY",
                "error_code": None, "error_message": None, "api_version": "2010-04-01",
                "messaging_service_sid": None,
                "date_created": format_datetime(self.created_at, usegmt=True),
                "date_updated": format_datetime(self.created_at, usegmt=True),
                "date_sent": None,
                "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{self.sid}.json"}


@define
class _Callback:
    url: str
    params: dict[str, str]


def _sid(prefix: str = "SM") -> str:
    return prefix + secrets.token_hex(16)


@define(eq=False)
class SmsStandIn:
    """Twilio for one account and one sender number. `post` sends a signed callback (a test may
    route it into the app's test client); `undeliverable` numbers get "undelivered" callbacks,
    `unsubscribed` ones are refused with 21610 (they sent STOP)."""

    account_sid: str
    auth_token: str
    from_number: str
    inbound_url: str | None = None
    post: Poster | None = None
    base_url: str | None = None
    undeliverable: set[str] = field(factory=set)
    unsubscribed: set[str] = field(factory=set)
    messages: list[SentSms] = field(factory=list)
    replies: list[dict[str, str]] = field(factory=list)
    requests_seen: int = 0
    _pending: list[_Callback] = field(factory=list)
    _faults: SmsFaults = field(factory=SmsFaults)
    _random: random.Random = field(factory=random.Random)
    _lock: threading.Lock = field(factory=threading.Lock)
    validator: RequestValidator = field(init=False)
    app: Flask = field(init=False)

    def __attrs_post_init__(self) -> None:
        self.validator = RequestValidator(self.auth_token)
        self.app = _create_app(self)

    # -- what tests and the inbox page see and do ----------------------------------------------

    def set_faults(self, faults: SmsFaults) -> None:
        with self._lock:
            self._faults, self._random = faults, random.Random(faults.seed)

    def set_faults_from(self, settings: dict[str, Any]) -> None:
        """{"error_rate": .05, "lost_rate": .02, "throttle_rate": .02, "seed": 7}"""
        self.set_faults(SmsFaults(**{key: settings[key] for key in (
            "error_rate", "lost_rate", "throttle_rate", "seed") if key in settings}))

    def inbox(self, number: str) -> list[SentSms]:
        with self._lock:
            return [m for m in self.messages if m.to == number]

    def numbers(self) -> list[str]:
        with self._lock:
            return sorted({m.to for m in self.messages})

    def pump_callbacks(self) -> int:
        """Post every status callback due (sent, then delivered/undelivered); returns how many."""
        with self._lock:
            pending, self._pending = self._pending, []
        for callback in pending:
            with self._lock:
                for message in self.messages:
                    if message.sid == callback.params["MessageSid"]:
                        message.status = callback.params["MessageStatus"]
            self._signed_post(callback.url, callback.params)
        return len(pending)

    def reply(self, from_number: str, body: str) -> tuple[str, int]:
        """The resident at `from_number` answers: posted, signed, to the inbound webhook.
        Returns the MessageSid and the webhook's HTTP status."""
        if not self.inbound_url:
            raise ValueError("inbound webhook URL not set")
        sid = _sid()
        params = {"MessageSid": sid, "SmsSid": sid, "SmsMessageSid": sid,
                  "AccountSid": self.account_sid, "From": from_number, "To": self.from_number,
                  "Body": body, "NumMedia": "0", "NumSegments": "1", "SmsStatus": "received",
                  "ApiVersion": "2010-04-01", "FromCountry": "JP", "ToCountry": "JP"}
        with self._lock:
            self.replies.append({**params, "at": dt.datetime.now(dt.UTC).isoformat()})
        return sid, self._signed_post(self.inbound_url, params)

    def sign(self, url: str, params: dict[str, str]) -> str:
        return self.validator.compute_signature(url, params)

    def _signed_post(self, url: str, params: dict[str, str]) -> int:
        headers = {"X-Twilio-Signature": self.sign(url, params),
                   "User-Agent": "TwilioProxy/1.1"}
        if self.post is not None:
            return self.post(url, params, headers)
        return requests.post(url, data=params, headers=headers, timeout=10).status_code

    # -- the REST API ----------------------------------------------------------------------------

    def _draw(self) -> str:
        faults = self._faults
        with self._lock:
            roll = self._random.random()
        for name, rate in (("error", faults.error_rate), ("lost", faults.lost_rate),
                           ("throttle", faults.throttle_rate)):
            if roll < rate:
                return name
            roll -= rate
        return "none"

    def create(self, account: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        callback = form.get("StatusCallback", "")
        if account != self.account_sid:
            return 404, _error(20404, "The requested resource was not found", 404)
        if not _E164.fullmatch(to):
            return 400, _error(21211, "The 'To' number is not a valid phone number.")
        if from_ != self.from_number:
            return 400, _error(21606, "The 'From' phone number provided is not a valid "
                                      "message-capable phone number for this account.")
        if not body.strip():
            return 400, _error(21602, "Message body is required.")
        if callback and not re.fullmatch(r"https?://[^\s]+", callback):
            return 400, _error(21609, "Invalid StatusCallback URL.")
        if to.startswith("+81") and not _JP_MOBILE.fullmatch(to):
            return 400, _error(21614, "The 'To' number is not a valid mobile number.")
        if to in self.unsubscribed:
            return 400, _error(21610, "Attempt to send to unsubscribed recipient")
        fault = self._draw()
        if fault == "throttle":
            return 429, _error(20429, "Too Many Requests", 429)
        if fault == "error":
            return 500, _error(20500, "Internal Server Error", 500)
        message = SentSms(_sid(), to, from_, body, callback, dt.datetime.now(dt.UTC))
        with self._lock:
            self.messages.append(message)
            if callback:
                final = "undelivered" if to in self.undeliverable else "delivered"
                for status in ("sent", final):
                    params = {"MessageSid": message.sid, "SmsSid": message.sid,
                              "MessageStatus": status, "SmsStatus": status,
                              "AccountSid": self.account_sid, "From": from_, "To": to,
                              "ApiVersion": "2010-04-01"}
                    if status == "undelivered":
                        params["ErrorCode"] = "30005"
                    self._pending.append(_Callback(callback, params))
        if fault == "lost":
            return 500, _error(20500, "Internal Server Error", 500)
        return 201, message.to_json(self.account_sid)

    def listed(self, account: str, args: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if account != self.account_sid:
            return 404, _error(20404, "The requested resource was not found", 404)
        size = min(int(args.get("PageSize", "50") or 50), 1000)
        with self._lock:
            found = [m for m in reversed(self.messages)
                     if (not args.get("To") or m.to == args["To"])
                     and (not args.get("From") or m.from_ == args["From"])][:size]
        uri = f"/2010-04-01/Accounts/{account}/Messages.json"
        return 200, {"messages": [m.to_json(account) for m in found], "end": len(found) - 1,
                     "first_page_uri": uri, "next_page_uri": None, "previous_page_uri": None,
                     "page": 0, "page_size": size, "start": 0, "uri": uri}

    def authorised(self, header: str | None) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return header == f"Basic {expected}"


def _error(code: int, message: str, status: int = 400) -> dict[str, Any]:
    return {"code": code, "message": message, "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}"}


def _create_app(standin: SmsStandIn) -> Flask:
    app = Flask(__name__)
    messages = "/2010-04-01/Accounts/<account>/Messages.json"

    def answer(status: int, body: dict[str, Any]) -> Response:
        response = jsonify(body)
        response.status_code = status
        return response

    def guarded(view: Callable[[str], tuple[int, dict[str, Any]]]) -> Callable[..., Response]:
        def wrapped(account: str) -> Response:
            with standin._lock:
                standin.requests_seen += 1
            if not standin.authorised(request.headers.get("Authorization")):
                return answer(401, _error(20003, "Authenticate", 401))
            return answer(*view(account))
        wrapped.__name__ = view.__name__
        return wrapped

    app.add_url_rule(messages, "create", guarded(
        lambda account: standin.create(account, request.form.to_dict())), methods=["POST"])
    app.add_url_rule(messages, "list", guarded(
        lambda account: standin.listed(account, request.args.to_dict())), methods=["GET"])
    app.register_blueprint(inbox_blueprint(standin))
    return app


def serve_sms_standin(host: str, port: int, *, account_sid: str, auth_token: str,
                      from_number: str, inbound_url: str | None = None,
                      server: str = "waitress") -> None:
    """The stand-in in the foreground until the process is ended (benchmarks run it so)."""
    standin = SmsStandIn(account_sid, auth_token, from_number, inbound_url=inbound_url)
    with running(standin, host=host, port=port, server=server):  # type: ignore[arg-type]
        threading.Event().wait()


@contextmanager
def running_sms_standin(account_sid: str, auth_token: str, from_number: str, *,
                        inbound_url: str | None = None, post: Poster | None = None,
                        host: str = "127.0.0.1", port: int = 0, server: str = "werkzeug",
                        auto_callbacks: bool = False) -> Iterator[SmsStandIn]:
    """`with running_sms_standin(sid, token, "+815012345678") as sms: sms.base_url` (a free
    port on 127.0.0.1 by default, gone when the block ends). `auto_callbacks` posts the status
    callbacks from a thread a moment after each message (the simulator); tests pump them."""
    standin = SmsStandIn(account_sid, auth_token, from_number, inbound_url=inbound_url,
                         post=post)
    stop = threading.Event()

    def pump() -> None:
        while not stop.wait(0.5):
            try:
                standin.pump_callbacks()
            except (requests.RequestException, OSError):  # the town is not up: try later
                continue

    pumping = threading.Thread(target=pump, name="sms-standin-callbacks", daemon=True)
    with running(standin, host=host, port=port, server=server):  # type: ignore[arg-type]
        if auto_callbacks:
            pumping.start()
        try:
            yield standin
        finally:
            stop.set()
            if auto_callbacks:
                pumping.join(timeout=5)
