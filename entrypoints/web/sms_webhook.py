"""`POST /sms/inbound` and `POST /sms/status`: what Twilio posts, checked by its signature
(adapters/sms/webhook.py). A forged request gets 403 and changes nothing. An inbound SMS goes
through the same InboundRouter as LINE's events (a 「はい」 answers the latest open benefit
notice, application/benefits/replying_by_text.py; STOP blocks the identity); a status callback
updates the outbox row's delivery status (application/messaging/recording_delivery_status.py:
an unknown number moves a notice down the town's ladder), found by its SID or by the outbox id
its callback URL names (`?m=`, signed with the rest). 404 when SMS is not configured."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request

from adapters.sms.webhook import INBOUND_PATH, STATUS_PATH, InvalidSignature, delivery_status
from application.benefits.replying_by_text import as_notice_answer
from application.messaging.recording_delivery_status import (
    DeliveryStatusReport,
    record_delivery_status,
)
from application.ports.unit_of_work import ConcurrentUpdate
from entrypoints.web.access import signed
from entrypoints.web.services import container
from entrypoints.web.sms_plugin_webhook import sms_plugin_webhook

__all__ = ["sms_webhook"]

log = logging.getLogger(__name__)

sms_webhook = Blueprint("sms_webhook", __name__)
sms_webhook.register_blueprint(sms_plugin_webhook)  # a plug-in's: POST /sms/<provider>/webhook
_TRIES = 3
_EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _checked(path: str) -> dict[str, str]:
    services = container()
    if services.config.sms_provider() != "twilio":
        abort(404)
    form = request.form.to_dict()
    query = request.query_string.decode("ascii", "replace")
    try:  # Twilio signs the URL it was given, its query (a status callback's `m`) included
        services.sms_webhook().check(path + (f"?{query}" if query else ""), form,
                                     request.headers.get("X-Twilio-Signature"))
    except InvalidSignature:
        log.warning("an SMS callback with a wrong signature was refused (%s)", path)
        abort(403)
    return form


@sms_webhook.post(INBOUND_PATH)
@signed
def inbound() -> Response:
    form = _checked(INBOUND_PATH)
    services = container()
    try:
        event = services.sms_webhook().inbound(form, at=services.clock().now())
    except ValueError:
        abort(400)
    event = as_notice_answer(event, uow=services.uow())
    services.inbound_router().handle(event, uow=services.uow())
    services.outbox_notifier().wake()
    return Response(_EMPTY_TWIML, mimetype="text/xml")


@sms_webhook.post(STATUS_PATH)
@signed
def status() -> Response:
    form = _checked(STATUS_PATH)
    services = container()
    try:
        reported = services.sms_webhook().status(form)
    except ValueError:
        abort(400)
    status = delivery_status(reported.status, reported.error_code)
    if status is not None:
        code = f" {reported.error_code}" if reported.error_code is not None else ""
        # By the SID the outbox row keeps; by the outbox id of the callback URL when the
        # callback comes before the dispatcher has recorded the SID.
        report = DeliveryStatusReport(message_id=request.args.get("m") or None, channel="sms",
                                      provider_ref=reported.sid, status=status,
                                      detail=f"{reported.status}{code}")
        for attempt in range(_TRIES):  # the dispatcher may be writing the row just now
            try:
                record_delivery_status(report, uow=services.uow(), clock=services.clock())
                break
            except ConcurrentUpdate:
                if attempt == _TRIES - 1:
                    raise
        services.outbox_notifier().wake()  # a notice carried on to the next rung
    return Response(status=204)
