"""The dashboard (ダッシュボード): the figures towns report."""

from __future__ import annotations

from flask import render_template

from domain.access import Permission
from entrypoints.web.services import container
from entrypoints.web.staff import staff
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("ダッシュボード", "staff.dashboard", Permission.VIEW_DASHBOARD, 10))


@staff.get("/")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def dashboard():  # type: ignore[no-untyped-def]
    return render_template("staff/dashboard.html", today=container().clock().now())
