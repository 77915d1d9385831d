"""Departments' opening hours for consultations (受付時間): read where a request arrives, and
set by administrators (audited). A department without hours of its own keeps the default
(weekdays 8:30–17:15); the town hall's closed days always count."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWork
from domain.access import Permission
from domain.cases import Department
from domain.consultations import DEFAULT_HOURS, DepartmentHours, OpeningHours
from domain.errors import NotFound

__all__ = ["SetHours", "department_hours", "hours_of", "set_hours"]


def hours_of(uow: UnitOfWork, department_id: str | None) -> OpeningHours:
    """Inside `with uow:`."""
    kept = uow.department_hours.get(department_id) if department_id else None
    return kept.hours if kept is not None else DEFAULT_HOURS


def department_hours(*, uow: UnitOfWork) -> list[tuple[Department, OpeningHours]]:
    """Every department with its hours, by name (no personal data: not audited)."""
    with uow:
        return [(department, hours_of(uow, department.id))
                for department in uow.departments.all()]


@frozen
class SetHours:
    department_id: str
    weekdays: str  # 月火水木金
    opens: str  # 8:30
    closes: str  # 17:15
    actor: Actor


def set_hours(command: SetHours, *, uow: UnitOfWork, clock: Clock) -> OpeningHours:
    command.actor.ensure(Permission.ADMINISTER, "相談の受付時間を変更")
    hours = OpeningHours.of(command.weekdays, command.opens, command.closes)
    with uow:
        if uow.departments.get(command.department_id) is None:
            raise NotFound("課が見つかりません。", code="department_not_found")
        kept = uow.department_hours.get(command.department_id)
        if kept is None:
            uow.department_hours.add(DepartmentHours.of(command.department_id, hours))
        else:
            kept.change(hours)
        record(uow, command.actor, "consultation.hours", "department", command.department_id,
               at=clock.now(), hours=hours.label)
        uow.commit()
    return hours
