"""The town's departments (課の管理), for administrators: add one, rename it or set its alert
address; and which departments each staff member belongs to (on 職員の管理). Every change is
audited with it."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from application.cases.managing_departments import (
    SaveDepartment,
    SetStaffDepartments,
    department_lines,
    save_department,
    set_staff_departments,
)
from application.staff import views as staff_views
from domain.access import Permission
from domain.errors import DomainError
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("課の管理", "staff.departments", Permission.ADMINISTER, 925))


def _page(status: int = 200, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    services = container()
    names = {line.member.id: line.member.display_name
             for line in staff_views.members(uow=services.uow())}
    lines = department_lines(uow=services.uow())
    members = {line.department.id: "、".join(sorted(names[i] for i in line.member_ids
                                                   if i in names)) for line in lines}
    return render_template("staff/admin/departments.html", lines=lines, members=members,
                           form=form or {}), status


@staff.get("/departments")
@requires_staff_permission(Permission.ADMINISTER)
def departments():  # type: ignore[no-untyped-def]
    return _page()


@staff.post("/departments")
@requires_staff_permission(Permission.ADMINISTER)
def add_department():  # type: ignore[no-untyped-def]
    return _save("")


@staff.post("/departments/<department_id>")
@requires_staff_permission(Permission.ADMINISTER)
def change_department(department_id: str):  # type: ignore[no-untyped-def]
    return _save(department_id)


def _save(department_id: str):  # type: ignore[no-untyped-def]
    services = container()
    form = {key: request.form.get(key, "") for key in ("name", "alert_email")}
    try:
        saved = save_department(SaveDepartment(name=form["name"], alert_email=form["alert_email"],
                                               department_id=department_id, actor=g.actor),
                                uow=services.uow(), ids=services.ids(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(422, form if not department_id else None)
    flash(f"課「{saved.name}」を{'変更' if department_id else '登録'}しました。", "success")
    return redirect(url_for("staff.departments"))


@staff.post("/members/<staff_id>/departments")
@requires_staff_permission(Permission.ADMINISTER)
def member_departments(staff_id: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        set_staff_departments(SetStaffDepartments(
            staff_id=staff_id, department_ids=request.form.getlist("department_id"),
            actor=g.actor), uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.members"))
    flash("所属する課を変更しました。", "success")
    return redirect(url_for("staff.members"))
