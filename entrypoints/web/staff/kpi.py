"""報告・KPI: the figures a town reports to the national government each year, month by month
(ADR 0060), with charts, a printable monthly PDF, CSV and Excel of every figure, and the cost
inputs administrators enter. Counts only: no person appears anywhere on it."""

from __future__ import annotations

import datetime as dt

from flask import Response, flash, g, redirect, render_template, request, url_for

from adapters.csv_io import cp932_csv
from adapters.documents.kpi_report import render_kpi_report
from adapters.xlsx_io import XLSX_TYPE, xlsx_workbook
from application.reporting.exporting_kpi import RecordKpiExport, record_kpi_export
from application.reporting.kpi import KpiRange, KpiReport, kpi_report
from application.reporting.kpi_table import kpi_header, kpi_rows, percent, score
from application.reporting.recounting_kpi_months import recount_kpi_months
from application.reporting.setting_service_cost import SetServiceCost, set_service_cost
from domain.access import Permission
from domain.errors import DomainError, InvalidValue
from entrypoints.procedure_wiring import IN_MENU
from entrypoints.web.services import container
from entrypoints.web.staff.access import requires_staff_permission
from entrypoints.web.staff.charts import column_chart, line_chart
from entrypoints.web.staff.formatting import JST
from entrypoints.web.staff.frame import staff
from entrypoints.web.staff.nav import NavEntry, register_nav

register_nav(staff, NavEntry("報告・KPI", "staff.kpi", Permission.VIEW_DASHBOARD, 12))


def _month(name: str) -> dt.date | None:
    text = request.args.get(name, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        raise InvalidValue("月は 2026-11 の形で指定してください。", code="bad_month") from None


def _today() -> dt.date:
    return container().clock().now().astimezone(JST).date()


def _wanted() -> KpiRange:
    default = KpiRange.last_months(_today())
    first, last = _month("from"), _month("to")
    return KpiRange.of(first or default.first, last or default.last)


def _report(wanted: KpiRange) -> KpiReport:
    services = container()
    return kpi_report(wanted, shipped=IN_MENU, catalogue=services.procedures(),
                      uow=services.uow())


def _labels(report: KpiReport) -> list[str]:
    return [f"{m.month.year % 100:02d}/{m.month.month}" for m in report.months]


@staff.get("/kpi")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def kpi():  # type: ignore[no-untyped-def]
    try:
        wanted = _wanted()
    except DomainError as error:
        flash(error.message, "error")
        wanted = KpiRange.last_months(_today())
    report = _report(wanted)
    labels = _labels(report)
    months = report.months
    charts = {
        "friends": line_chart(list(zip(labels, [m.friends for m in months], strict=True)),
                              title="LINE友だち数（月末）"),
        "verified": line_chart(list(zip(labels, [m.verified for m in months], strict=True)),
                               title="本人確認済み（月末・累計）"),
        "applications": column_chart(
            list(zip(labels, [m.transactions for m in months], strict=True)),
            title="申請の件数（月別）"),
        "satisfaction": line_chart(
            list(zip(labels, [m.satisfaction for m in months], strict=True)),
            title="満足度の平均（5段階）", decimals=2),
        "completion": line_chart(
            list(zip(labels, [_pct(m.completion_rate) for m in months], strict=True)),
            title="完了率（%）", unit="%", decimals=1),
        "take_up": line_chart(
            list(zip(labels, [_pct(m.digital_take_up) for m in months], strict=True)),
            title="デジタル利用率（%）", unit="%", decimals=1),
        "cost": line_chart(
            list(zip(labels, [m.cost_per_transaction for m in months], strict=True)),
            title="1件あたりの費用（円）"),
    }
    rows = {"friends": [(label, f"{m.friends:,}") for label, m in zip(labels, months,
                                                                       strict=True)],
            "verified": [(label, f"{m.verified:,}") for label, m in zip(labels, months,
                                                                         strict=True)],
            "satisfaction": [(label, score(m.satisfaction)) for label, m in zip(
                labels, months, strict=True)]}
    return render_template("staff/kpi.html", report=report, labels=labels, charts=charts,
                           rows=rows, Permission=Permission,
                           percent=percent, score=score, today=_today())


def _pct(share: float | None) -> float | None:
    return None if share is None else share * 100


@staff.get("/kpi/export")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def kpi_export():  # type: ignore[no-untyped-def]
    file_format = request.args.get("format", "csv")
    services = container()
    try:
        wanted = _wanted()
        record_kpi_export(RecordKpiExport(format=file_format, first=wanted.first,
                                          last=wanted.last, actor=g.actor),
                          uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.kpi"))
    report = _report(wanted)
    rows = list(kpi_rows(report))
    if file_format == "csv":
        body = cp932_csv(kpi_header(report), ([str(cell) for cell in row] for row in rows))
        content_type = "text/csv; charset=shift_jis"
    elif file_format == "xlsx":
        body, content_type = xlsx_workbook(kpi_header(report), rows, sheet="報告・KPI"), XLSX_TYPE
    else:
        flash("出力の形式は CSV か Excel です（PDFは月を選んでください）。", "error")
        return redirect(url_for("staff.kpi"))
    name = f"kpi-{wanted.first:%Y-%m}-{wanted.last:%Y-%m}.{file_format}"
    return Response(body, content_type=content_type, headers={
        "Content-Disposition": f"attachment; filename={name}", "Cache-Control": "no-store"})


@staff.get("/kpi/report.pdf")
@requires_staff_permission(Permission.VIEW_DASHBOARD)
def kpi_pdf():  # type: ignore[no-untyped-def]
    services = container()
    try:
        month = _month("month") or _today().replace(day=1)
        wanted = KpiRange.last_months(month)
        record_kpi_export(RecordKpiExport(format="pdf", first=month, last=month,
                                          actor=g.actor),
                          uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.kpi"))
    pdf = render_kpi_report(_report(wanted), month, town_name=services.config.town_full_name(),
                            generated_at=services.clock().now())
    return Response(pdf, content_type="application/pdf", headers={
        "Content-Disposition": f"attachment; filename=kpi-{month:%Y-%m}.pdf",
        "Cache-Control": "no-store"})


@staff.post("/kpi/costs")
@requires_staff_permission(Permission.ADMINISTER)
def kpi_set_cost():  # type: ignore[no-untyped-def]
    services = container()
    try:
        figures = {name: _whole(name) for name in ("running_cost_yen", "staff_hours",
                                                   "hourly_cost_yen")}
        cost = set_service_cost(SetServiceCost(period=request.form.get("period", ""),
                                               actor=g.actor, **figures),
                                uow=services.uow(), clock=services.clock())
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("staff.kpi") + "#costs")
    flash(f"{cost.period}の費用を保存しました。", "success")
    return redirect(url_for("staff.kpi") + "#costs")


@staff.post("/kpi/recount")
@requires_staff_permission(Permission.ADMINISTER)
def kpi_recount():  # type: ignore[no-untyped-def]
    services = container()
    recount_kpi_months(actor=g.actor, uow=services.uow(), clock=services.clock())
    flash("集計をやり直します。過ぎた月は、しばらくの間その場で数えます。", "success")
    return redirect(url_for("staff.kpi") + "#costs")


def _whole(name: str) -> int:
    text = request.form.get(name, "").strip().replace(",", "")
    if not text.isdecimal():
        raise InvalidValue("費用と時間は0以上の整数で入力してください。", code="bad_amount")
    return int(text)
