"""Staff set the town's ladder of channels (連絡手段の順番): which channels a notice may use and
in which order; the postal list is always the last rung. Administrators only; audited with the
old and the new order."""

from __future__ import annotations

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.messaging.ladder import LADDER_KEY, ladder_in
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.town_settings import TownSetting
from domain.access import Permission
from domain.channels import Ladder

__all__ = ["SetLadder", "set_ladder"]


@frozen
class SetLadder:
    channels: tuple[str, ...] = field(converter=tuple)


def set_ladder(command: SetLadder, *, actor: Actor, uow: UnitOfWork, clock: Clock) -> Ladder:
    actor.ensure(Permission.ADMINISTER, "連絡手段の順番を変更")
    ladder = Ladder(tuple(c for c in command.channels if c))  # refuses an order it cannot use
    now = clock.now()
    with uow:
        before = ladder_in(uow)
        found = uow.town_settings.get(LADDER_KEY)
        value = {"channels": list(ladder.channels)}
        if found is None:
            uow.town_settings.add(TownSetting(key=LADDER_KEY, value=value, updated_at=now,
                                              updated_by=actor.id))
        else:
            found.change(value, by=actor.id, at=now)
        record(uow, actor, "ladder.set", "town", LADDER_KEY, at=now,
               before=" → ".join(before.labels), after=" → ".join(ladder.labels))
        uow.commit()
    return ladder
