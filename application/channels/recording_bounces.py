"""Hard bounces reported after the fact (a relay's DSN, `madoguchi mail bounce`): the e-mail
addresses that cannot receive mail any more are shut at once, so the ladder tells their
residents on another channel from the next notice on (ADR 0040). A refusal at RCPT needs none
of this: the dispatcher's BLOCKED outcome does it."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork

__all__ = ["RecordBounces", "record_bounces"]


@frozen
class RecordBounces:
    addresses: Sequence[str] = field(converter=tuple)
    actor: Actor


def record_bounces(command: RecordBounces, *, uow: UnitOfWork, clock: Clock) -> int:
    """How many addresses were shut (unknown ones, and those shut already, are left alone)."""
    with uow:
        now, shut = clock.now(), 0
        for address in dict.fromkeys(a.strip().lower() for a in command.addresses):
            identity = uow.channel_identities.get_by_address("email", address)
            if identity is None or not identity.reachable:
                continue
            identity.mark_unreachable(now)  # the ladder's 届かない (ADR 0041), as a 550 at RCPT
            record(uow, command.actor, "channel.bounced", "channel_identity", identity.id,
                   at=now, channel="email")
            shut += 1
        uow.commit()
        return shut
