"""A provider reports what became of a message it accepted (an SMS delivered, or undelivered:
an unknown number): the message's delivery status follows, and a permanent failure of a notice
carries it on to the person's next rung of the ladder, as a failure at sending does
(`fallback.py`). A late or repeated report changes nothing a final status already says.

Called by the providers' callback routes (found by the outbox id or by the provider's
reference) and by the e-mail bounce reports (`application/channels/recording_bounces.py`: by
the outbox id a returned Message-ID carries, ADR 0043)."""

from __future__ import annotations

from attrs import frozen

from application.messaging.fallback import carry_on, shut_address
from application.messaging.outbox import DeliveryStatus, OutboxMessage
from application.ports.clock import Clock
from application.ports.messaging import DeliveryOutcome
from application.ports.unit_of_work import UnitOfWork

__all__ = ["DeliveryStatusReport", "record_delivery_status"]


@frozen
class DeliveryStatusReport:
    message_id: str | None = None  # the outbox id, and/or
    channel: str = ""  # with
    provider_ref: str = ""  # the provider's reference (looked for first)
    recipient: str = ""  # when the report names the address: the message must be to it
    status: DeliveryStatus = DeliveryStatus.DELIVERED
    detail: str = ""  # the provider's words (an error code), kept as the message's last error


def record_delivery_status(report: DeliveryStatusReport, *, uow: UnitOfWork,
                           clock: Clock) -> bool:
    """Returns whether the message's status changed (False: unknown message, or nothing new)."""
    now = clock.now()
    with uow:
        message = _found(report, uow)
        if message is None or not message.record_status(report.status):
            return False
        if report.status is DeliveryStatus.PERMANENT_FAILURE:
            message.mark_failed(f"permanent-failure: {report.detail}"[:500])
            # A permanent failure a provider reports later is about the address (an unknown
            # number, a hard bounce); one about the message is refused when it is sent.
            identity = shut_address(uow, message, DeliveryOutcome.BLOCKED, now)
            carry_on(uow, message, identity, now)
        elif report.detail:
            message.last_error = report.detail[:500]
        uow.commit()
    return True


def _found(report: DeliveryStatusReport, uow: UnitOfWork) -> OutboxMessage | None:
    found = _by_reference_or_id(report, uow)
    if found is not None and report.recipient and found.recipient != report.recipient:
        return None  # a report about another address (a bounce report names the mailbox)
    return found


def _by_reference_or_id(report: DeliveryStatusReport, uow: UnitOfWork) -> OutboxMessage | None:
    """By the provider's reference first; else by the outbox id (a report may come before the
    dispatcher has kept the reference), on the report's channel when it names one."""
    if report.channel and report.provider_ref:
        found = uow.outbox.get_by_provider_ref(report.channel, report.provider_ref)
        if found is not None:
            return found
    if report.message_id:
        found = uow.outbox.get(report.message_id)
        if found is not None and (not report.channel or found.channel == report.channel):
            return found
    return None
