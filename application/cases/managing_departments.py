"""Administrators keep the town's departments (課): create one, rename it or change its alert
address, and say which departments a staff member belongs to. Each change is audited."""

from __future__ import annotations

from collections.abc import Sequence

from attrs import field, frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.ports.clock import Clock, IdGenerator
from application.ports.unit_of_work import DuplicateError, UnitOfWork
from domain.access import Permission
from domain.cases import Department
from domain.errors import InvalidValue, NotFound

__all__ = ["DepartmentLine", "SaveDepartment", "SetStaffDepartments", "department_lines",
           "save_department", "set_staff_departments"]

TAKEN = "同じ名前の課がすでにあります。"


@frozen
class SaveDepartment:
    name: str
    actor: Actor
    alert_email: str = ""
    department_id: str = ""  # "": a new department


@frozen
class SetStaffDepartments:
    staff_id: str
    department_ids: Sequence[str] = field(converter=tuple)
    actor: Actor


@frozen
class DepartmentLine:
    department: Department
    member_ids: frozenset[str]


def department_lines(*, uow: UnitOfWork) -> list[DepartmentLine]:
    """Every department with its members (staff's own data: no audit)."""
    with uow:
        members = uow.departments.members_by_department()
        return [DepartmentLine(d, frozenset(members.get(d.id, ()))) for d in uow.departments.all()]


def save_department(command: SaveDepartment, *, uow: UnitOfWork, ids: IdGenerator,
                    clock: Clock) -> Department:
    command.actor.ensure(Permission.ADMINISTER, "課を登録・変更")
    now = clock.now()
    try:
        with uow:
            if command.department_id:
                department = uow.departments.get(command.department_id)
                if department is None:
                    raise NotFound("課が見つかりません。")
                department.rename(command.name, command.alert_email)
                action = "department.update"
            else:
                department = Department(id=ids.new_id(), name=command.name,
                                        alert_email=command.alert_email, created_at=now)
                if uow.departments.get_by_name(department.name) is not None:
                    raise InvalidValue(TAKEN, code="department_taken")
                uow.departments.add(department)
                action = "department.create"
            record(uow, command.actor, action, "department", department.id, at=now)
            uow.commit()
    except DuplicateError as error:
        raise InvalidValue(TAKEN, code="department_taken") from error
    return department


def set_staff_departments(command: SetStaffDepartments, *, uow: UnitOfWork,
                          clock: Clock) -> None:
    command.actor.ensure(Permission.ADMINISTER, "職員の所属する課を変更")
    with uow:
        if uow.staff.get(command.staff_id) is None:
            raise NotFound("職員が見つかりません。")
        known = {d.id for d in uow.departments.all()}
        if not set(command.department_ids) <= known:
            raise InvalidValue("ない課が選ばれています。ページを開き直してください。")
        uow.departments.set_staff_departments(command.staff_id, command.department_ids)
        record(uow, command.actor, "staff.departments", "staff", command.staff_id,
               at=clock.now(), count=len(set(command.department_ids)))
        uow.commit()
