"""`POST /sms/<provider>/webhook`: what the chosen SMS provider's vendor posts to the town
(ADR 0073), read by its plug-in's reader (application/ports/sms_webhooks.py), which checks the
vendor's signature: a forged request gets 403 and changes nothing. 404 unless `<provider>` is
the town's SMS provider and its plug-in reads webhooks (Twilio's posts come to its own
/sms/inbound and /sms/status, entrypoints/web/sms_webhook.py).

What arrives takes the path of Twilio's: a reply becomes the same inbound event (a STOP blocks,
a 「はい」 answers the latest open notice) handled by the InboundRouter, which stores it in the
inbox once per provider message id (a redelivery changes nothing); a status is recorded on the
outbox message the provider's id names (application/messaging/recording_delivery_status.py),
once: a repeated or late one changes nothing a final status says."""

from __future__ import annotations

import logging

from flask import Blueprint, Response, abort, request

from adapters.sms.webhook import sms_event
from application.benefits.replying_by_text import as_notice_answer
from application.messaging.outbox import DeliveryStatus
from application.messaging.recording_delivery_status import (
    DeliveryStatusReport,
    record_delivery_status,
)
from application.ports.sms_webhooks import (
    InvalidWebhookSignature,
    MalformedWebhook,
    SmsOutcome,
    SmsReply,
    SmsStatusUpdate,
    SmsWebhookReport,
    WebhookRequest,
    webhook_path,
)
from application.ports.unit_of_work import ConcurrentUpdate
from entrypoints.plugins import SMS
from entrypoints.web.access import signed
from entrypoints.web.services import container

__all__ = ["STATUSES", "sms_plugin_webhook"]

log = logging.getLogger(__name__)

sms_plugin_webhook = Blueprint("sms_plugin_webhook", __name__)
_TRIES = 3
_MAX_ID = 128  # the inbox's external id
STATUSES = {SmsOutcome.SENDING: DeliveryStatus.SENDING,
            SmsOutcome.DELIVERED: DeliveryStatus.DELIVERED,
            SmsOutcome.UNDELIVERED: DeliveryStatus.TEMPORARY_FAILURE,
            SmsOutcome.UNREACHABLE: DeliveryStatus.PERMANENT_FAILURE,
            SmsOutcome.FAILED: DeliveryStatus.TECHNICAL_FAILURE}


@sms_plugin_webhook.post(webhook_path("<provider>"))
@signed
def receive(provider: str) -> Response:
    services = container()
    if provider != services.config.sms_provider():
        abort(404)
    reader = services.town_services().webhook_reader(SMS, provider)
    if reader is None:
        abort(404)
    query = request.query_string.decode("ascii", "replace")
    url = f"{services.config.public_url()}{request.path}" + (f"?{query}" if query else "")
    try:
        report = reader.read(WebhookRequest(request.method, url, dict(request.headers),
                                            request.get_data(cache=True)))
    except InvalidWebhookSignature:
        log.warning("an SMS webhook with a wrong signature was refused (%s)", provider)
        abort(403)
    except MalformedWebhook:
        log.warning("a signed SMS webhook of %s could not be read; refused with 400", provider)
        abort(400)
    if not isinstance(report, SmsWebhookReport) or not _well_formed(report, provider):
        log.warning("the SMS webhook reader of %s returned what it may not; refused", provider)
        abort(400)
    for update in report.statuses:
        _record(update)
    for reply in report.replies:
        _receive(provider, reply)
    services.outbox_notifier().wake()  # the answers, and a notice carried on to the next rung
    return Response(status=204)


def _well_formed(report: SmsWebhookReport, provider: str) -> bool:
    return (all(isinstance(u, SmsStatusUpdate) and isinstance(u.outcome, SmsOutcome)
                and _text(u.provider_ref, 64) for u in report.statuses)
            and all(isinstance(r, SmsReply) and _text(r.provider_ref, _MAX_ID)
                    and _text(r.sender, 32) and isinstance(r.text, str)
                    and len(_external_id(provider, r)) <= _MAX_ID for r in report.replies))


def _text(value: object, longest: int) -> bool:
    """A non-empty string that fits its column (the outbox's provider_ref, a number)."""
    return isinstance(value, str) and 0 < len(value) <= longest


def _external_id(provider: str, reply: SmsReply) -> str:
    """The inbox's key: the vendor's id, named by the provider (two vendors' ids may meet)."""
    return f"{provider}:{reply.provider_ref}"


def _record(update: SmsStatusUpdate) -> None:
    services = container()
    report = DeliveryStatusReport(channel="sms", provider_ref=update.provider_ref,
                                  status=STATUSES[update.outcome],
                                  detail=update.detail or update.outcome.value)
    for attempt in range(_TRIES):  # the dispatcher may be writing the row just now
        try:
            record_delivery_status(report, uow=services.uow(), clock=services.clock())
            return
        except ConcurrentUpdate:
            if attempt == _TRIES - 1:
                raise


def _receive(provider: str, reply: SmsReply) -> None:
    services = container()
    event = sms_event(_external_id(provider, reply), reply.sender, reply.text,
                      at=services.clock().now())
    event = as_notice_answer(event, uow=services.uow())
    services.inbound_router().handle(event, uow=services.uow())
