"""Who of an association's members the town can tell (the one policy, `telling.py`): a resident
member on their own ladder, a member who joined with a chat account not linked to a resident on
that account while it follows the town. The others get the circular on paper."""

from __future__ import annotations

from collections.abc import Sequence

from application.messaging.telling import Telling
from application.ports.unit_of_work import UnitOfWork
from domain.associations import AssociationMember
from domain.channels import ChannelIdentity

__all__ = ["recipients"]


def recipients(uow: UnitOfWork, telling: Telling,
               members: Sequence[AssociationMember]) -> dict[str, list[ChannelIdentity]]:
    """member id → the identities a message to them goes to (members nobody reaches left out)."""
    by_resident = telling.residents_recipients(
        uow, [m.resident_id for m in members if m.resident_id is not None])
    found: dict[str, list[ChannelIdentity]] = {}
    for member in members:
        if member.resident_id is not None:
            chosen = by_resident.get(member.resident_id, [])
        else:
            identity = uow.channel_identities.get(member.identity_id or "")
            chosen = [identity] if identity is not None and identity.reachable else []
        if chosen:
            found[member.id] = chosen
    return found
