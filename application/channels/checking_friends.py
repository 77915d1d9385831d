"""Find the LINE users who blocked the town's account without the town hearing of it (the
unfollow event lost while the webhook was down): LINE takes a push to them and delivers nothing,
so their notices would go nowhere instead of down the ladder. Each following LINE identity is
asked about (LINE's profile API, outside any transaction), page by page; one LINE says is gone
is blocked at once, audited, and the ladder tells that resident on the next rung from the next
notice on. Run before a campaign, or nightly (`madoguchi line check-friends`)."""

from __future__ import annotations

from collections.abc import Callable

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.messaging import FriendCheck
from application.ports.unit_of_work import UnitOfWork
from domain.channels import IdentityStatus

__all__ = ["CheckFriends", "FriendsChecked", "check_friends"]

PAGE = 200


@frozen
class CheckFriends:
    actor: Actor
    limit: int | None = None  # identities to ask about at most (None: all)


@frozen
class FriendsChecked:
    checked: int
    blocked: int
    unknown: int  # LINE could not tell (errors): asked again next time


def check_friends(command: CheckFriends, *, uow_factory: Callable[[], UnitOfWork],
                  friends: FriendCheck, clock: Clock) -> FriendsChecked:
    checked = blocked = unknown = 0
    after = ""
    while command.limit is None or checked < command.limit:
        size = PAGE if command.limit is None else min(PAGE, command.limit - checked)
        with uow_factory() as uow:
            addresses = [(i.id, i.address) for i in uow.channel_identities.following(
                "line", after=after, limit=size)]
        if not addresses:
            break
        after = addresses[-1][0]
        answers = {address: friends.is_friend(address) for _id, address in addresses}
        checked += len(answers)
        unknown += sum(answer is None for answer in answers.values())
        gone = [address for address, answer in answers.items() if answer is False]
        if gone:
            blocked += _block(gone, command.actor, uow_factory, clock)
    return FriendsChecked(checked, blocked, unknown)


def _block(addresses: list[str], actor: Actor, uow_factory: Callable[[], UnitOfWork],
           clock: Clock) -> int:
    now, done = clock.now(), 0
    with uow_factory() as uow:
        for address in addresses:
            identity = uow.channel_identities.get_by_address("line", address)
            if identity is None or identity.status is not IdentityStatus.FOLLOWING:
                continue  # changed meanwhile (a follow event came): the event is newer
            identity.block(now)
            record(uow, actor, "channel.block_found", "channel_identity", identity.id, at=now,
                   channel="line")
            done += 1
        uow.commit()
    return done
