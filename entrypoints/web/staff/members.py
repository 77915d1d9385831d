"""Staff accounts (職員の管理), for administrators: add staff, unlock after a lock-out, reset the
second factor, deactivate and reactivate, sign out of every device, and the departments each
belongs to (the form posts to departments.py). Every change is audited
with it."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from application.cases.managing_departments import department_lines
from application.staff import views as staff_views
from application.staff.creating_staff_member import (
    MIN_PASSWORD_LENGTH,
    CreateStaffMember,
    create_staff_member,
)
from application.staff.managing_staff import ChangeStaffAccount, StaffChange, change_staff_account
from domain.access import Permission
from domain.errors import DomainError
from domain.staff import Role
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("職員の管理", "staff.members", Permission.ADMINISTER, 920))

_DONE = {StaffChange.UNLOCK: "ロックを解除しました。",
         StaffChange.RESET_TOTP: "2段階認証を解除しました。次回は本人が設定し直します。",
         StaffChange.DEACTIVATE: "アカウントを無効にしました。",
         StaffChange.REACTIVATE: "アカウントを有効にしました。",
         StaffChange.SIGN_OUT_EVERYWHERE: "すべての端末からログアウトさせました。"}


def _page(status: int = 200, form: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    services = container()
    now = services.clock().now()
    lines = staff_views.members(uow=services.uow())
    departments = department_lines(uow=services.uow())
    return render_template("staff/admin/members.html", members=[line.member for line in lines],
                           states={line.member.id: line.sign_in for line in lines}, now=now,
                           departments=departments,
                           roles=Role.of_town_staff(), form=form or {},
                           min_length=MIN_PASSWORD_LENGTH), status


@staff.get("/members")
@requires_staff_permission(Permission.ADMINISTER)
def members():  # type: ignore[no-untyped-def]
    return _page()


@staff.post("/members")
@requires_staff_permission(Permission.ADMINISTER)
def add_member():  # type: ignore[no-untyped-def]
    services = container()
    form = {key: request.form.get(key, "") for key in ("login_id", "display_name", "role")}
    try:
        create_staff_member(
            CreateStaffMember(login_id=form["login_id"], display_name=form["display_name"],
                              role=form["role"], password=request.form.get("password", ""),
                              actor=g.actor),
            uow=services.uow(), ids=services.ids(), hasher=services.password_hasher(),
            clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return _page(422, form)
    flash(f"職員「{form['login_id'].strip().lower()}」を登録しました。", "success")
    return redirect(url_for("staff.members"))


@staff.post("/members/<staff_id>/<change>")
@requires_staff_permission(Permission.ADMINISTER)
def change_member(staff_id: str, change: str):  # type: ignore[no-untyped-def]
    services = container()
    try:
        change_staff_account(ChangeStaffAccount(staff_id=staff_id, change=change,
                                                actor=g.actor),
                             uow=services.uow(), clock=services.clock())
    except DomainError as error:  # nothing changed: back to the list (reloading posts nothing)
        flash(error.message, "error")
        return redirect(url_for("staff.members"))
    flash(_DONE[change], "success")
    return redirect(url_for("staff.members"))
