"""A resident declines optional messages on one of their addresses (the unsubscribe link of an
e-mail): from now on the dispatcher sends that address no town news; notices about their own
benefit or certificate still come (ADR 0040). Honoured at once, and recorded as the resident's
act."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import RESIDENT
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork

__all__ = ["DeclineOptional", "decline_optional"]


@frozen
class DeclineOptional:
    channel: str
    address: str


def decline_optional(command: DeclineOptional, *, uow: UnitOfWork, clock: Clock) -> bool:
    """True when the address is one of ours and now declines optional messages (again: a
    second click changes nothing and is not recorded twice); False for an unknown address."""
    with uow:
        identity = uow.channel_identities.get_by_address(command.channel, command.address)
        if identity is None:
            return False
        now = clock.now()
        if identity.decline_optional(now):
            record(uow, RESIDENT, "channel.optional_declined", "channel_identity", identity.id,
                   at=now, channel=command.channel)
            uow.commit()
        return True
