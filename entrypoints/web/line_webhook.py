"""`POST /line/webhook`: LINE's deliveries, checked by signature and stored in the inbox in one
statement; the answer comes at once and workers handle each event once, in order per resident
(ADR 0062). How long each answer took (by status) and how many events came are counted for
/metrics. A message gets loading dots here (not again when LINE redelivers it) and, in
mark-as-read mode, 「既読」 once handled (ADR 0051)."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, jsonify, request

from adapters.line.webhook import InvalidSignature, MalformedBody
from application.channels.receiving_inbound import receive_events
from entrypoints.web.access import signed
from entrypoints.web.services import container

__all__ = ["line_webhook"]

log = logging.getLogger(__name__)

line_webhook = Blueprint("line_webhook", __name__)


@line_webhook.post("/line/webhook")
@signed
def receive():  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    received: list[Any] = []
    status = 500
    try:
        body, status = _receive(received)
    finally:
        container().metrics().webhook_answered(status, time.perf_counter() - started,
                                               len(received))
    return body, status


def _receive(received: list[Any]) -> tuple[Any, int]:
    """The answer and its status; `received` gets the events of a signed body."""
    services = container()
    try:
        events = services.line_parser().parse(request.get_data(as_text=True),
                                              request.headers.get("X-Line-Signature"))
    except InvalidSignature:
        return jsonify({"error": {"code": "invalid_signature",
                                  "message": "署名が正しくありません。"}}), 400
    except MalformedBody:
        log.warning("a signed LINE webhook body could not be read; refused with 400")
        return jsonify({"error": {"code": "bad_request",
                                  "message": "Webhookの本文を読み取れません。"}}), 400
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
    return jsonify({}), 200
