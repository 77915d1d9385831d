"""The town's ladder of channels, stored in the database (`town_settings`, key
"contact_ladder") and edited by administrators (`setting_ladder`): what `ContactPolicy` reads.

The policy is read in the unit of work that uses it (`policy_in`), or once per use from a fresh
one (`load_policy`): a change staff make is followed by the next notice, campaign preview, send
or delivery, without a restart (ADR 0041)."""

from __future__ import annotations

from collections.abc import Callable

from application.ports.unit_of_work import UnitOfWork
from domain.channels import DEFAULT_LADDER_CHANNELS, Ladder

__all__ = ["DEFAULT_LADDER", "LADDER_KEY", "ladder_in", "load_ladder"]

LADDER_KEY = "contact_ladder"
DEFAULT_LADDER = Ladder(DEFAULT_LADDER_CHANNELS)  # LINE → SMS → e-mail → postal


def ladder_in(uow: UnitOfWork) -> Ladder:
    """The town's ladder, read in this unit of work (the default when staff never set one)."""
    found = uow.town_settings.get(LADDER_KEY)
    if found is None:
        return DEFAULT_LADDER
    return Ladder(tuple(found.value.get("channels", ())))


def load_ladder(uow_factory: Callable[[], UnitOfWork]) -> Ladder:
    with uow_factory() as uow:
        return ladder_in(uow)
