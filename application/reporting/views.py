"""The dashboard's figures: counts and sums the town reports, computed from its own data."""

from __future__ import annotations

import datetime as dt

from application.ports.queries import TownFigures
from application.ports.unit_of_work import UnitOfWork

__all__ = ["town_figures"]


def town_figures(*, today: dt.date, days: int = 14, uow: UnitOfWork) -> TownFigures:
    with uow:
        return uow.queries.figures.figures(today=today, days=days)
