"""The monthly report (報告・KPI の月次報告, ADR 0060) as a printable A4 PDF: the month's
figures, the measures and line charts of the months up to it, drawn with reportlab's built-in
Japanese CID fonts (no font file; the reader supplies the glyphs)."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Sequence

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from application.dates import japanese_datetime
from application.reporting.kpi import KpiReport, MonthFigures
from application.reporting.kpi_table import percent, score

__all__ = ["render_kpi_report"]

MINCHO, GOTHIC = "HeiseiMin-W3", "HeiseiKakuGo-W5"
_BLUE = (0.0, 0.09, 0.76)
_GREY = (0.8, 0.8, 0.8)


def _fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name in (MINCHO, GOTHIC):
        if name not in registered:
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def render_kpi_report(report: KpiReport, month: dt.date, *, town_name: str,
                      generated_at: dt.datetime) -> bytes:
    """`report` holds the months up to `month` (its last); the figures are `month`'s."""
    _fonts()
    figures = report.month(month)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    label = f"{month.year}年{month.month}月"
    pdf.setTitle(f"報告・KPI 月次報告 {month:%Y-%m}")
    pdf.setAuthor(town_name)
    width, height = A4
    y = height - 22 * mm
    pdf.setFont(GOTHIC, 18)
    pdf.drawString(20 * mm, y, f"報告・KPI 月次報告（{label}）")
    pdf.setFont(MINCHO, 11)
    y -= 8 * mm
    pdf.drawString(20 * mm, y, town_name)
    pdf.drawRightString(width - 20 * mm, y,
                        f"作成日時 {japanese_datetime(generated_at)}（日本時間）")
    y -= 10 * mm
    for name, value in _lines(report, figures):
        pdf.setFont(MINCHO, 10)
        pdf.drawString(22 * mm, y, name)
        pdf.setFont(GOTHIC, 10)
        pdf.drawRightString(120 * mm, y, value)
        pdf.setStrokeColorRGB(*_GREY)
        pdf.line(20 * mm, y - 1.8 * mm, 122 * mm, y - 1.8 * mm)
        y -= 6.2 * mm
    y -= 4 * mm
    months = [f"{m.month.month}月" for m in report.months]
    charts = (
        ("LINE友だち数（月末）", [m.friends for m in report.months], 0),
        ("本人確認済み（累計）", [m.verified for m in report.months], 0),
        ("申請の件数", [m.transactions for m in report.months], 0),
        ("満足度の平均（5段階）", [m.satisfaction for m in report.months], 2),
    )
    box_w, box_h = 82 * mm, 48 * mm
    for index, (title, values, decimals) in enumerate(charts):
        left = 20 * mm + (index % 2) * (box_w + 6 * mm)
        top = y - (index // 2) * (box_h + 12 * mm)
        if top - box_h < 15 * mm:
            break
        _chart(pdf, left, top, box_w, box_h, title, months, values, decimals)
    pdf.setFont("Helvetica", 7)
    pdf.drawString(20 * mm, 10 * mm, f"Madoguchi KPI {month:%Y-%m}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def _lines(report: KpiReport, m: MonthFigures) -> list[tuple[str, str]]:
    def yen(value: int | None) -> str:
        return "未入力" if value is None else f"{value:,}円"

    def share(value: float | None) -> str:
        return "—" if value is None else f"{percent(value)}%"

    lines = [("LINE友だち数（月末）", f"{m.friends:,}人"),
             ("本人確認済み（月末・累計）", f"{m.verified:,}件")]
    lines += [(f"申請：{kind}", f"{m.applications.get(kind, 0):,}件") for kind in report.kinds]
    lines += [
        ("申請の合計（オンライン／紙）", f"{m.transactions:,}件（{m.online:,}／{m.paper:,}）"),
        ("1件あたりの費用", yen(m.cost_per_transaction)),
        ("利用者の満足度（5段階）", f"{score(m.satisfaction)}（{m.answers:,}件）"),
        ("完了率（会話の完了／開始）",
         f"{share(m.completion_rate)}（{m.completed:,}／{m.started:,}）"),
        ("デジタル利用率", share(m.digital_take_up)),
        ("オンラインの手続き", f"{len(report.procedures)}件（本人確認 "
         f"{sum(p.needs_verification for p in report.procedures)}件・支払 "
         f"{sum(p.takes_payment for p in report.procedures)}件）"),
    ]
    return lines


def _chart(pdf: canvas.Canvas, left: float, top: float, w: float, h: float, title: str,
           labels: Sequence[str], values: Sequence[float | None], decimals: int) -> None:
    pdf.setFont(GOTHIC, 9)
    pdf.setFillColorRGB(0, 0, 0)
    pdf.drawString(left, top, title)
    base, plot_top = top - h + 6 * mm, top - 5 * mm
    pdf.setStrokeColorRGB(*_GREY)
    pdf.line(left, base, left + w, base)
    known = [v for v in values if v is not None]
    peak = max(known, default=0) or 1
    step = w / max(1, len(values) - 1) if len(values) > 1 else 0
    pdf.setFont(MINCHO, 6)
    points: list[tuple[float, float]] = []
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * step if len(values) > 1 else left + w / 2
        pdf.setFillColorRGB(0, 0, 0)
        pdf.drawCentredString(x, base - 3.5 * mm, label)
        if value is None:
            _polyline(pdf, points)
            points = []
            continue
        yv = base + (plot_top - base - 3 * mm) * value / peak
        points.append((x, yv))
        pdf.drawCentredString(x, yv + 1.8 * mm, f"{value:,.{decimals}f}")
    _polyline(pdf, points)
    if not known:
        pdf.drawString(left, base + 4 * mm, "データがありません")


def _polyline(pdf: canvas.Canvas, points: list[tuple[float, float]]) -> None:
    pdf.setStrokeColorRGB(*_BLUE)
    pdf.setFillColorRGB(*_BLUE)
    pdf.setLineWidth(1.2)
    for (x1, y1), (x2, y2) in itertools.pairwise(points):
        pdf.line(x1, y1, x2, y2)
    for x, y in points:
        pdf.circle(x, y, 0.8 * mm, stroke=0, fill=1)
    pdf.setLineWidth(1)
