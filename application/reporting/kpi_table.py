"""Every figure of the report as one table, a row per month: what the CSV and Excel files
hold, in the page's words (ADR 0060)."""

from __future__ import annotations

from collections.abc import Iterator

from application.reporting.kpi import KpiReport, MonthFigures

__all__ = ["kpi_header", "kpi_rows", "percent", "score"]


def kpi_header(report: KpiReport) -> tuple[str, ...]:
    return ("月", "LINE友だち数（月末）", "本人確認済み（月末・累計）",
            *(f"申請：{kind}" for kind in report.kinds), "申請の合計", "オンラインの申請",
            "紙の申請", "デジタル利用率（%）", "会話の開始", "会話の完了", "完了率（%）",
            "満足度の平均（5段階）", "満足度の回答数", "費用（円）", "1件あたりの費用（円）",
            *(f"{what}：{c.title}" for c in report.completion
              for what in ("会話の開始", "会話の完了")),
            "オンラインでできる手続き（現在）", "うち本人確認が必要", "うち支払がある")


def kpi_rows(report: KpiReport) -> Iterator[tuple[str | int, ...]]:
    for month in report.months:
        yield _row(report, month)


def _row(report: KpiReport, m: MonthFigures) -> tuple[str | int, ...]:
    return (f"{m.month:%Y-%m}", m.friends, m.verified,
            *(m.applications.get(kind, 0) for kind in report.kinds), m.transactions, m.online,
            m.paper, percent(m.digital_take_up), m.started, m.completed,
            percent(m.completion_rate), score(m.satisfaction), m.answers,
            "" if m.cost_yen is None else m.cost_yen,
            "" if m.cost_per_transaction is None else m.cost_per_transaction,
            *(n for c in report.completion
              for n in (m.started_by.get(c.title, 0), m.completed_by.get(c.title, 0))),
            len(report.procedures), sum(p.needs_verification for p in report.procedures),
            sum(p.takes_payment for p in report.procedures))


def percent(share: float | None) -> str:
    """"72.5" — or "" when there was nothing to divide."""
    return "" if share is None else f"{share * 100:.1f}"


def score(value: float | None) -> str:
    return "未計測" if value is None else f"{value:.2f}"
