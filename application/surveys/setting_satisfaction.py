"""Administrators turn the satisfaction question (手続き後の満足度の質問) on or off for the town;
audited with the old and the new state."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from application.surveys.satisfaction import SETTING_KEY, asks_satisfaction
from application.town_settings import TownSetting
from domain.access import Permission

__all__ = ["SetSatisfactionQuestion", "set_satisfaction_question"]


@frozen
class SetSatisfactionQuestion:
    on: bool


def set_satisfaction_question(command: SetSatisfactionQuestion, *, actor: Actor,
                              uow: UnitOfWork, clock: Clock) -> bool:
    """Returns whether it changed."""
    actor.ensure(Permission.ADMINISTER, "手続き後の満足度の質問を変更")
    now = clock.now()
    with uow:
        before = asks_satisfaction(uow)
        if before == command.on:
            return False
        found = uow.town_settings.get(SETTING_KEY)
        value = {"on": command.on}
        if found is None:
            uow.town_settings.add(TownSetting(key=SETTING_KEY, value=value, updated_at=now,
                                              updated_by=actor.id))
        else:
            found.change(value, by=actor.id, at=now)
        record(uow, actor, "survey.setting", "town", SETTING_KEY, at=now,
               before=_label(before), after=_label(command.on))
        uow.commit()
    return True


def _label(on: bool) -> str:
    return "質問する" if on else "質問しない"
