"""Staff who administer the town enter what a month (or a year) of the online service cost —
the running cost and the staff hours with their hourly cost — for the report's cost per
transaction (ADR 0060). Entering a period again replaces it; audited with the figures."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.service_costs import ServiceCost, check_period

__all__ = ["SetServiceCost", "set_service_cost"]


@frozen
class SetServiceCost:
    period: str  # "2026-11" or "2026"
    running_cost_yen: int
    staff_hours: int
    hourly_cost_yen: int
    actor: Actor


def set_service_cost(command: SetServiceCost, *, uow: UnitOfWork, clock: Clock) -> ServiceCost:
    command.actor.ensure(Permission.ADMINISTER, "サービスの費用を入力")
    period = check_period(command.period)
    now = clock.now()
    figures = {"running_cost_yen": command.running_cost_yen,
               "staff_hours": command.staff_hours, "hourly_cost_yen": command.hourly_cost_yen}
    with uow:
        cost = uow.service_costs.get(period)
        if cost is None:
            cost = ServiceCost.enter(period=period, by=command.actor.id, at=now, **figures)
            uow.service_costs.add(cost)
        else:
            cost.change(by=command.actor.id, at=now, **figures)
        record(uow, command.actor, "kpi.cost_set", "service_cost", period, at=now, **figures)
        uow.commit()
    return cost
