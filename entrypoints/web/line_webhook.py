"""`POST /line/webhook`: LINE's deliveries, checked by signature, each event handled once. How
long each answer took (by status) and how many events came are counted for /metrics. A message
gets loading dots before it is handled and, in mark-as-read mode, 「既読」 after (ADR 0051)."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Blueprint, jsonify, request

from adapters.line.webhook import InvalidSignature, MalformedBody
from application.jobs.running import start_job
from entrypoints.jobs import KEEP_ATTACHMENT
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
    failed = 0
    images = []
    router, signs = services.inbound_router(), services.acknowledging()
    for event in events:
        signs.received(event)  # loading dots (sent in the background: never waited for)
        try:
            fresh = router.handle(event, uow=services.uow())
        except Exception:
            failed += 1
            log.exception("LINE event %s could not be handled", event.external_id)
            continue
        signs.handled(event)  # 既読, when the account reads only when told
        if fresh and event.image_ref:
            images.append(event)
    services.outbox_notifier().wake()  # the replies first
    for event in images:  # LINE keeps content only for a while: fetch it now
        try:
            start_job(KEEP_ATTACHMENT, {"ref": event.image_ref}, uow=services.uow(),
                      queue=services.job_queue(), catalog=services.job_catalog(),
                      ids=services.ids(), clock=services.clock())
        except Exception:  # it is fetched when first looked at instead
            log.exception("the image of LINE event %s was not queued for keeping",
                          event.external_id)
    if failed:  # nothing of a failed event was stored: LINE's redelivery tries it again
        return jsonify({"error": {"code": "internal_error",
                                  "message": "一部のイベントを処理できませんでした。"}}), 500
    return jsonify({}), 200
