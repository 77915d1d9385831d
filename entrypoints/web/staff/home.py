"""The dashboard (ダッシュボード): the figures towns report, with charts drawn on the server."""

from __future__ import annotations

import datetime as dt

from flask import render_template

from adapters.documents.labels import LABELS
from application.reporting.views import town_figures
from domain.access import Permission
from domain.benefits import ApplicationStatus
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.case_operations import case_dashboard
from entrypoints.web.staff.charts import bar_chart, column_chart
from entrypoints.web.staff.formatting import JST
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("ダッシュボード", "staff.dashboard", Permission.VIEW_DASHBOARD, 10))

_CERTIFICATE_STATES = LABELS["certificate_state"]


def _application_label(value: str) -> str:
    try:
        return ApplicationStatus(value).label
    except ValueError:
        return value


@staff.get("/")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def dashboard():  # type: ignore[no-untyped-def]
    services = container()
    now = services.clock().now()
    today = now.astimezone(JST).date()
    figures = town_figures(today=today, days=14, uow=services.uow())
    applications = [(_application_label(status), count)
                    for status, count in sorted(figures.applications_by_status.items(),
                                                key=lambda item: _order(item[0]))]
    certificates = [(_CERTIFICATE_STATES.get(state, state), count)
                    for state, count in sorted(figures.certificate_requests_by_state.items())]
    friends = [(f"{day.month}/{day.day}", count) for day, count in figures.new_friends_by_day]
    return render_template(
        "staff/dashboard.html", today=now, figures=figures, applications=applications,
        applications_total=sum(count for _, count in applications),
        certificates=certificates, certificates_total=sum(c for _, c in certificates),
        applications_chart=bar_chart(applications, title="申請の状況"),
        certificates_chart=bar_chart(certificates, title="証明書の請求"),
        friends_chart=column_chart(friends, title="LINE友だち追加（直近14日）"),
        friends_days=figures.new_friends_by_day, since=today - dt.timedelta(days=13),
        **case_dashboard())


def _order(status: str) -> int:
    values = [s.value for s in ApplicationStatus]
    return values.index(status) if status in values else len(values)
