"""The scheduled work keeps the report's settled months counted (ADR 0060): a month a week past
its end is counted once from the tables and kept (`kpi_months`), so the page adds a few rows per
month instead of counting every row of two years again. From the month of the first event on,
in order, at most `most` months a run (a town's first run catches up in a few runs); two
schedulers keeping the same month at once: the database keeps one, the other stops."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from application.ports.clock import Clock
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from application.reporting.kpi import month_bounds
from domain.values import JST

__all__ = ["SETTLED_AFTER", "keep_kpi_months"]

# A month's counts stop moving a week after its end: conversations in it have expired and
# verifications held for review are decided (the ADR lists what can still change after).
SETTLED_AFTER = dt.timedelta(days=7)


def keep_kpi_months(*, uow_factory: Callable[[], UnitOfWork], clock: Clock,
                    most: int = 3) -> int:
    """How many months it kept."""
    now = clock.now()
    with uow_factory() as uow:
        span = uow.queries.kpi.kept_span()
        first = uow.queries.kpi.first_event() if span is None else None
    if span is not None:
        month = _next(span[1])
    elif first is not None:
        month = first.astimezone(JST).date().replace(day=1)
    else:
        return 0
    kept = 0
    while kept < most:
        start, end = month_bounds([month])
        if end + SETTLED_AFTER > now:
            break
        try:
            with uow_factory() as uow:
                counts = uow.queries.kpi.live([(start, end)])[0]
                uow.kpi_months.add(month, counts, at=now)
                uow.commit()
        except DuplicateError:
            break  # another scheduler kept it first
        kept += 1
        month = _next(month)
    return kept


def _next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
