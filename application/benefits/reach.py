"""Who on a program's eligibility list can be reached how: a verified household head who follows
the town on a channel of the town's ladder (`ContactPolicy`) gets a notice on the first of them
that reaches them; everyone else gets one by post. Only a verified head may answer a notice:
that is the campaign's condition, layered on the one channel policy (ADR 0024).

One source for every figure: each eligible household stands in exactly one category
(`uow.queries.benefits.reach_counts`): 通知済み (a notice went), 申請済み (applied without a
notice: paper, counter), 未通知 (to notify, split by the channel of the ladder it would go on:
LINE, SMS, メール) or 郵送 (nobody to message, or a notice that failed on every rung). The program
page, the import report, the campaign preview and the send, and the postal list all read these
categories, so their figures agree however households changed since the list was imported."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from attrs import frozen

from application.messaging.telling import ContactPolicy
from application.ports.unit_of_work import UnitOfWork
from domain.channels import ChannelIdentity
from domain.households import HouseholdHead

__all__ = ["PAGE", "Reach", "ReachedHousehold", "category_pages", "reach_in", "reach_of",
           "split"]

PAGE = 500


@frozen
class ReachedHousehold:
    household: HouseholdHead
    identity: ChannelIdentity | None  # None: not reachable (the postal path)


@frozen
class Reach:
    eligible: int
    notified: int  # 通知済み: a notice went (answered or not)
    applied: int  # 申請済み: an application without a notice (paper, counter)
    to_notify: int  # 未通知: a notice can go on a channel of the ladder
    postal: int  # 郵送: no application and nobody to message (or a notice failed everywhere)
    # 未通知 by the channel its notice would go on, in the ladder's order (LINE, SMS, メール)
    by_channel: tuple[tuple[str, int], ...] = ()

    @classmethod
    def of(cls, counts: dict[str, int], ladder: tuple[str, ...] = ()) -> Reach:
        """From the query's counts: the categories, and a count for each channel of `ladder`
        (their sum is `to_notify`)."""
        by_channel = tuple((channel, counts.get(channel, 0)) for channel in ladder)
        named = {key: counts.get(key, 0) for key in ("notified", "applied", "postal")}
        to_notify = counts.get("to_notify", 0) + sum(count for _, count in by_channel)
        return cls(eligible=sum(named.values()) + to_notify, to_notify=to_notify,
                   by_channel=by_channel, **named)

    @property
    def reachable(self) -> int:
        """Households told, or to be told, in the chat."""
        return self.notified + self.to_notify

    def to_json(self) -> dict[str, int]:
        return {"eligible": self.eligible, "notified": self.notified, "applied": self.applied,
                "to_notify": self.to_notify, "postal": self.postal,
                "reachable": self.reachable}


def category_pages(program_id: str, category: str, *, uow: UnitOfWork, policy: ContactPolicy,
                   page: int = PAGE, after: str = "") -> Iterator[Sequence[str]]:
    """The household ids of one reach category in pages (keyset by id: a household that leaves
    the category while the pages are read, notified by the page before, is not read twice)."""
    while True:
        ids = uow.queries.benefits.reach_page(program_id, policy.ladder, category,
                                              after=after, limit=page)
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
    return Reach.of(uow.queries.benefits.reach_counts(program_id, policy.ladder), policy.ladder)
