"""Staff keep the list of interests (設定 → お知らせの分野): add one, rename it, move it up or
down, retire it or bring it back. Each change is audited; SEND_NOTICES."""

from __future__ import annotations

from typing import Literal

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.access import Permission
from domain.errors import InvalidValue, NotFound
from domain.interests import InterestTopic

__all__ = ["ChangeInterest", "SaveInterest", "change_interest", "interest_list", "save_interest"]

TAKEN = "同じキーの分野がすでにあります。"
CHANGED = "ほかの職員が先に変更しました。一覧を開き直してください。"


@frozen
class SaveInterest:
    actor: Actor
    key: str
    label: str
    description: str = ""
    new: bool = True  # False: rename the interest `key`
    version: int = 0  # the version the form showed (a rename)


@frozen
class ChangeInterest:
    actor: Actor
    key: str
    change: Literal["up", "down", "retire", "restore"]


def interest_list(*, uow: UnitOfWork) -> list[InterestTopic]:
    """Every interest in its order (the town's own settings: no audit)."""
    with uow:
        return list(uow.interests.all())


def save_interest(command: SaveInterest, *, uow: UnitOfWork, clock: Clock) -> InterestTopic:
    command.actor.ensure(Permission.SEND_NOTICES, "お知らせの分野を変更")
    now = clock.now()
    try:
        with uow:
            if command.new:
                topics = uow.interests.all()
                interest = InterestTopic.new(
                    key=command.key, label=command.label, description=command.description,
                    position=max((t.position for t in topics), default=0) + 1, at=now)
                if uow.interests.get(interest.key) is not None:
                    raise InvalidValue(TAKEN, code="interest_taken")
                uow.interests.add(interest)
                action = "interest.create"
            else:
                found = _found(uow, command.key)
                if command.version and command.version != found.version:
                    raise InvalidValue(CHANGED, code="interest_changed")
                interest = found.renamed(command.label, command.description)
                uow.interests.save(interest)
                action = "interest.update"
            record(uow, command.actor, action, "interest", interest.key, at=now)
            uow.commit()
    except DuplicateError as error:
        raise InvalidValue(TAKEN, code="interest_taken") from error
    except ConcurrentUpdate as error:
        raise InvalidValue(CHANGED, code="interest_changed") from error
    return interest


def change_interest(command: ChangeInterest, *, uow: UnitOfWork, clock: Clock) -> None:
    """Up / down swaps it with its neighbour (nothing at either end); retire keeps its
    subscriptions; restore offers it again."""
    command.actor.ensure(Permission.SEND_NOTICES, "お知らせの分野を変更")
    try:
        with uow:
            found = _found(uow, command.key)
            if command.change in ("retire", "restore"):
                uow.interests.save(found.retired(active=command.change == "restore"))
            else:
                topics = list(uow.interests.all())
                at = next(n for n, t in enumerate(topics) if t.key == found.key)
                other = at - 1 if command.change == "up" else at + 1
                if not 0 <= other < len(topics):
                    return
                # positions 1..n in the list's order, the two swapped
                order = [t.key for t in topics]
                order[at], order[other] = order[other], order[at]
                for topic in topics:
                    wanted = order.index(topic.key) + 1
                    if topic.position != wanted:
                        uow.interests.save(topic.moved_to(wanted))
            record(uow, command.actor, f"interest.{command.change}", "interest", found.key,
                   at=clock.now())
            uow.commit()
    except ConcurrentUpdate as error:
        raise InvalidValue(CHANGED, code="interest_changed") from error


def _found(uow: UnitOfWork, key: str) -> InterestTopic:
    found = uow.interests.get(key)
    if found is None:
        raise NotFound("お知らせの分野が見つかりません。")
    return found
