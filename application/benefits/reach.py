"""Who on a program's eligibility list can be reached how: a verified household head who follows
the town on a channel of the town's ladder (`ContactPolicy`) gets a notice on the first of them
that reaches them; everyone else gets one by post. Only a verified head may answer a notice:
that is the campaign's condition, layered on the one channel policy (ADR 0024)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from attrs import frozen

from application.messaging.telling import ContactPolicy
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity
from domain.households import HouseholdHead

__all__ = ["PAGE", "Reach", "ReachedHousehold", "eligible_pages", "reach_in", "reach_of", "split"]

PAGE = 500


@frozen
class ReachedHousehold:
    household: HouseholdHead
    identity: ChannelIdentity | None  # None: not reachable (the postal path)


@frozen
class Reach:
    eligible: int
    reachable: int
    postal: int

    def to_json(self) -> dict[str, int]:
        return {"eligible": self.eligible, "reachable": self.reachable, "postal": self.postal}


def eligible_pages(program_id: str, *, uow: UnitOfWork, page: int = PAGE,
                   after: str = "") -> Iterator[Sequence[str]]:
    """The eligible household ids in pages (keyset: safe while rows are added)."""
    while True:
        ids = uow.eligibility.page(program_id, after=after, limit=page)
        if not ids:
            return
        yield ids
        after = ids[-1]


def reach_of(household_ids: Sequence[str], *, uow: UnitOfWork,
             policy: ContactPolicy) -> list[ReachedHousehold]:
    """One query per channel of the ladder, each for the heads the channels before it missed."""
    households = uow.households.heads(household_ids)
    waiting = [h.head_resident_id for h in households.values()]
    identities: dict[str, ChannelIdentity] = {}
    for channel in policy.ladder:
        if not waiting:
            break
        identities |= uow.channel_identities.reachable(waiting, channel)
        waiting = [head for head in waiting if head not in identities]
    return [ReachedHousehold(households[i], identities.get(households[i].head_resident_id))
            for i in household_ids if i in households]


def split(program_id: str, *, uow: UnitOfWork, policy: ContactPolicy) -> Reach:
    with uow:
        return reach_in(program_id, uow=uow, policy=policy)


def reach_in(program_id: str, *, uow: UnitOfWork, policy: ContactPolicy) -> Reach:
    """`split` inside a unit of work the caller holds."""
    eligible, reachable = uow.queries.benefits.reach_counts(program_id, policy.ladder)
    return Reach(eligible=eligible, reachable=reachable, postal=eligible - reachable)
