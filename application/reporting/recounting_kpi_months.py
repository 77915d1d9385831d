"""Administrators have the report's kept months counted again (ADR 0060): after rows were put in
a settled month late — a data import, a town's history loaded for a demonstration, a
verification decided more than a week after it was made. Every kept month is forgotten; the page
counts them live at once (slower, exact) and the scheduled work keeps them again. Audited."""

from __future__ import annotations

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission

__all__ = ["recount_kpi_months"]


def recount_kpi_months(*, actor: Actor, uow: UnitOfWork, clock: Clock) -> int:
    """How many kept months were forgotten."""
    actor.ensure(Permission.ADMINISTER, "報告・KPIの集計をやり直")
    with uow:
        forgotten = uow.kpi_months.clear()
        record(uow, actor, "kpi.recount", "kpi", at=clock.now(), count=forgotten)
        uow.commit()
    return forgotten
