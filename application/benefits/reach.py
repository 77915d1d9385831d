"""Who on a program's eligibility list can be reached how: a verified household head who follows
the town on LINE gets a notice there; everyone else gets one by post."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from attrs import frozen

from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity
from domain.households import HouseholdHead

__all__ = ["PAGE", "Reach", "ReachedHousehold", "eligible_pages", "reach_of", "split"]

PAGE = 500
CHANNEL = "line"


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


def reach_of(household_ids: Sequence[str], *, uow: UnitOfWork) -> list[ReachedHousehold]:
    households = uow.households.heads(household_ids)
    heads = [h.head_resident_id for h in households.values()]
    identities = uow.channel_identities.reachable(heads, CHANNEL)
    return [ReachedHousehold(households[i], identities.get(households[i].head_resident_id))
            for i in household_ids if i in households]


def split(program_id: str, *, uow: UnitOfWork) -> Reach:
    with uow:
        eligible, reachable = uow.queries.benefits.reach_counts(program_id, CHANNEL)
    return Reach(eligible=eligible, reachable=reachable, postal=eligible - reachable)
