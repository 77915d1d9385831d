"""Hard bounces reported after the fact (a relay's DSN, `madoguchi mail bounce`): the e-mail
addresses that cannot receive mail any more are shut at once, and each mail the report names
(by the Message-ID derived from its outbox id) becomes a permanent failure whose notice is
carried on to the person's next rung of the ladder at once, by the one path providers' reports
take (`record_delivery_status`, ADR 0041, 0043). A refusal at RCPT needs none of this: the
dispatcher's BLOCKED outcome does it."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.messaging.outbox import DeliveryStatus
from application.messaging.recording_delivery_status import (
    DeliveryStatusReport,
    record_delivery_status,
)
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork

__all__ = ["Bounce", "BouncesRecorded", "RecordBounces", "record_bounces"]


@frozen
class Bounce:
    """One address a report says is gone for good, and the mail that found it so, if known."""

    address: str = field(converter=lambda a: a.strip().lower())
    status: str = ""  # the RFC 3463 code (5.1.1), never the server's words (they quote addresses)
    message_id: str | None = None  # the outbox id of the mail that bounced


@frozen
class RecordBounces:
    bounces: Sequence[Bounce] = field(converter=tuple)
    actor: Actor


@frozen
class BouncesRecorded:
    shut: int  # addresses shut now (unknown ones, and those shut already, are left alone)
    failed: int  # mails that became a permanent failure now (their notices carried on)


def record_bounces(command: RecordBounces, *, uow: UnitOfWork, clock: Clock) -> BouncesRecorded:
    """The addresses first (with their audit), then each mail named: a report fed twice, or
    again after a crash between the two, changes nothing it already changed."""
    with uow:
        now, shut = clock.now(), 0
        for address in dict.fromkeys(bounce.address for bounce in command.bounces):
            identity = uow.channel_identities.get_by_address("email", address)
            if identity is None or not identity.reachable:
                continue
            identity.mark_unreachable(now)  # the ladder's 届かない (ADR 0041), as a 550 at RCPT
            record(uow, command.actor, "channel.bounced", "channel_identity", identity.id,
                   at=now, channel="email")
            shut += 1
        uow.commit()
    failed = 0
    for bounce in command.bounces:
        if bounce.message_id is None:
            continue
        report = DeliveryStatusReport(
            message_id=bounce.message_id, channel="email", recipient=bounce.address,
            status=DeliveryStatus.PERMANENT_FAILURE,
            detail=f"{bounce.status or '5.0.0'} hard bounce (DSN)")
        failed += record_delivery_status(report, uow=uow, clock=clock)
    return BouncesRecorded(shut=shut, failed=failed)
