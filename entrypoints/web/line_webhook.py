"""`POST /line/webhook`: LINE's deliveries, checked by signature and stored in the inbox in one
statement; the answer comes at once and workers handle each event once, in order per resident
(ADR 0062). How long each answer took (by status) and how many events came are counted for
/metrics. A message gets loading dots here (not again when LINE redelivers it) and, in
mark-as-read mode, 「既読」 once handled (ADR 0051).

A delivery is answered before it reaches Flask (`LineDeliveries`, WSGI, ADR 0079): a burst
of taps is this one request thousands of times, and Flask's request machinery (the context,
the session, the routing, the response object and its hooks) was a fifth of its CPU. The
route stays in Flask for everything the quick answer does not take: a body without a length or
over the limit or short of it, and a delivery whose handling here raised (the route raises the
same error, without storing again, and the app's error handling answers it: 500 when the
database is away, so that LINE redelivers)."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, jsonify, request
from werkzeug.http import HTTP_STATUS_CODES

from adapters.line.webhook import InvalidSignature, MalformedBody
from application.channels.receiving_inbound import receive_events
from entrypoints.containers import Container
from entrypoints.web.access import signed
from entrypoints.web.security_headers import data_headers
from entrypoints.web.services import container

__all__ = ["PATH", "LineDeliveries", "line_webhook"]

log = logging.getLogger(__name__)

PATH = "/line/webhook"
_FAILED = "madoguchi.line_delivery_failed"  # (error, when it began, its events) for the route

line_webhook = Blueprint("line_webhook", __name__)


@line_webhook.post(PATH)
@signed
def receive():  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    received: list[Any] = []
    status = 500
    try:
        failed = request.environ.pop(_FAILED, None)
        if failed is not None:  # answered before Flask, and it raised: the app's answer
            error, started, events = failed
            received.extend(events)
            raise error
        answer, status = _receive(container(), request.get_data(as_text=True),
                                  request.headers.get("X-Line-Signature"), received)
    finally:
        container().metrics().webhook_answered(status, time.perf_counter() - started,
                                               len(received))
    return jsonify(answer), status


class LineDeliveries:
    """WSGI middleware: answers `POST /line/webhook` with a length within `max_length` itself,
    as the route would (the same `_receive`, the same security headers); hands every other
    request to the app behind it, and a delivery whose `_receive` raised, with its error."""

    def __init__(self, app: Callable[..., Iterable[bytes]], services: Container, *,
                 max_length: int) -> None:
        self._app, self._services, self._max_length = app, services, max_length
        self._headers = data_headers(PATH)

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != PATH or environ.get("REQUEST_METHOD") != "POST":
            return self._app(environ, start_response)
        started = time.perf_counter()
        length = environ.get("CONTENT_LENGTH") or ""
        if not (length.isascii() and length.isdigit()) or int(length) > self._max_length:
            return self._app(environ, start_response)  # Flask refuses or reads it its way
        raw = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(raw)  # what the app reads if it answers after all
        if len(raw) != int(length):
            return self._app(environ, start_response)
        received: list[Any] = []
        try:
            answer, status = _receive(self._services, raw.decode("utf-8", "replace"),
                                      environ.get("HTTP_X_LINE_SIGNATURE"), received)
        except Exception as error:
            # the route raises it again, not storing a second time: the app's error handling
            # answers it (500 when the database is away, so that LINE redelivers) and logs it
            environ[_FAILED] = (error, started, received)
            return self._app(environ, start_response)
        self._services.metrics().webhook_answered(status, time.perf_counter() - started,
                                                  len(received))
        # as `jsonify` writes it, to the byte
        body = (json.dumps(answer, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        start_response(f"{status} {HTTP_STATUS_CODES[status]}", [
            ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
            *self._headers])
        return [body]


def _receive(services: Container, body: str, signature: str | None,
             received: list[Any]) -> tuple[dict[str, Any], int]:
    """The answer and its status; `received` gets the events of a signed body."""
    try:
        events = services.line_parser().parse(body, signature)
    except InvalidSignature:
        return {"error": {"code": "invalid_signature", "message": "署名が正しくありません。"}}, 400
    except MalformedBody:
        log.warning("a signed LINE webhook body could not be read; refused with 400")
        return {"error": {"code": "bad_request",
                          "message": "Webhookの本文を読み取れません。"}}, 400
    received.extend(events)
    # One statement stores them all (a redelivery: nothing); workers handle them (ADR 0062).
    stored = receive_events(events, queue=services.inbox_queue(), ids=services.ids(),
                            clock=services.clock())
    signs = services.acknowledging()
    for event in stored.events:  # a redelivery had its dots when it first came
        signs.received(event)  # loading dots (sent in the background: never waited for)
    if stored.ids:
        try:
            services.inbound_workers().wake(stored.ids)
        except Exception:  # stored: a sweep handles them; a 500 would only bring a redelivery
            log.exception("the workers were not woken for %d stored LINE events",
                          len(stored.ids))
    return {}, 200
