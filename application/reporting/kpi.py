"""The report a town sends the national government each year (報告・KPI, ADR 0060): month by
month over a range of Japan months, the LINE friends and verified residents, the applications
per procedure and how they came (online or on paper), the conversations started and completed,
the satisfaction survey's average and the cost per transaction — counts only, no person."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from attrs import field, frozen

from application.certificates.procedure import PROCEDURE_ID as CERTIFICATE_ID
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.procedures import Procedure
from application.ports.kpi_queries import MonthCounts, Range
from application.ports.unit_of_work import UnitOfWork
from domain.errors import InvalidValue
from domain.service_costs import ServiceCost
from domain.values import JST

__all__ = ["BENEFITS", "CERTIFICATES", "AvailableProcedure", "KpiRange", "KpiReport",
           "MonthFigures", "ProcedureCompletion", "kpi_report", "month_bounds"]

MAX_MONTHS = 36
CERTIFICATES = "証明書の請求"
BENEFITS = "給付金の申請"
PAPER = "postal"  # a benefit application's channel when staff entered a paper form


@frozen
class KpiRange:
    first: dt.date  # the first day of the first month
    last: dt.date  # the first day of the last month (included)

    @classmethod
    def of(cls, first: dt.date, last: dt.date) -> KpiRange:
        first, last = first.replace(day=1), last.replace(day=1)
        if last < first:
            raise InvalidValue("期間の終わりの月は、始めの月より後にしてください。",
                               code="bad_period")
        if len(month_starts(first, last)) > MAX_MONTHS:
            raise InvalidValue(f"期間は{MAX_MONTHS}か月以内で指定してください。",
                               code="bad_period")
        return cls(first, last)

    @classmethod
    def last_months(cls, today: dt.date, count: int = 12) -> KpiRange:
        last = today.replace(day=1)
        first = last
        for _ in range(count - 1):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return cls(first, last)

    @property
    def months(self) -> list[dt.date]:
        return month_starts(self.first, self.last)


def month_starts(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = _next(month)
    return months


def _next(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def month_bounds(months: Sequence[dt.date]) -> list[dt.datetime]:
    """The first instant (Japan time) of each month, then of the month after the last."""
    starts = [*months, _next(months[-1])]
    return [dt.datetime.combine(month, dt.time(), JST) for month in starts]


@frozen
class AvailableProcedure:
    id: str
    title: str
    needs_verification: bool
    takes_payment: bool
    built: bool  # built by staff (ADR 0055), not shipped


@frozen
class ProcedureCompletion:
    title: str
    started: int
    completed: int

    @property
    def rate(self) -> float | None:
        return self.completed / self.started if self.started else None


@frozen
class MonthFigures:
    month: dt.date  # its first day
    friends: int  # at the month's end (or now, for the current month)
    verified: int
    applications: dict[str, int]  # what was applied for (a procedure's title) → count
    online: int
    paper: int
    started: int  # conversations started
    completed: int
    score_total: int
    answers: int  # satisfaction answers
    cost_yen: int | None  # None: nobody entered it
    started_by: dict[str, int] = field(factory=dict)  # a procedure's title → conversations
    completed_by: dict[str, int] = field(factory=dict)

    @property
    def transactions(self) -> int:
        return self.online + self.paper

    @property
    def satisfaction(self) -> float | None:
        return self.score_total / self.answers if self.answers else None

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.started if self.started else None

    @property
    def digital_take_up(self) -> float | None:
        return self.online / self.transactions if self.transactions else None

    @property
    def cost_per_transaction(self) -> int | None:
        if self.cost_yen is None or not self.transactions:
            return None
        return round(self.cost_yen / self.transactions)


@frozen
class KpiReport:
    range: KpiRange
    months: tuple[MonthFigures, ...] = field(converter=tuple)
    kinds: tuple[str, ...] = field(converter=tuple)  # what was applied for, in a stable order
    procedures: tuple[AvailableProcedure, ...] = field(converter=tuple)
    completion: tuple[ProcedureCompletion, ...] = field(converter=tuple)
    costs: tuple[ServiceCost, ...] = field(converter=tuple)

    @property
    def satisfaction(self) -> float | None:
        answers = sum(m.answers for m in self.months)
        return sum(m.score_total for m in self.months) / answers if answers else None

    @property
    def answers(self) -> int:
        return sum(m.answers for m in self.months)

    def month(self, first_day: dt.date) -> MonthFigures:
        for figures in self.months:
            if figures.month == first_day.replace(day=1):
                return figures
        raise InvalidValue("その月は期間に含まれていません。", code="bad_month")


def kpi_report(wanted: KpiRange, *, shipped: Sequence[Procedure],
               catalogue: ProcedureCatalogue, uow: UnitOfWork) -> KpiReport:
    months = wanted.months
    with uow:
        counts, before = _month_counts(months, uow)
        built = uow.built_procedures.all()
        costs = uow.service_costs.all()
    titles = {p.id: p.title for p in shipped} | {p.id: p.title for p in built}
    available = [_available(p, built=False) for p in shipped]
    for procedure in built:
        if procedure.accepting and procedure.published_version is not None:
            current = catalogue.version(procedure.id, procedure.published_version)
            if current is not None:
                available.append(_available(current, built=True))
    kinds = sorted({titles.get(pid, pid) for c in counts for pid in c.cases})
    kinds += [CERTIFICATES, BENEFITS]
    by_period = {cost.period: cost for cost in costs}
    friends = before.friends_added - before.friends_left
    verified = before.verified
    def procedures_only(talks: dict[str, int]) -> dict[str, int]:
        """Conversations of the procedures residents choose, not of the dialogs inside them
        (adding a contact, typing its code): those are no application."""
        return {pid: n for pid, n in talks.items() if pid in titles}

    figures = []
    for month, c in zip(months, counts, strict=True):
        started, completed = procedures_only(c.started), procedures_only(c.completed)
        friends += c.friends_added - c.friends_left
        verified += c.verified
        applied = dict.fromkeys(kinds, 0)
        for procedure_id, n in c.cases.items():
            applied[titles.get(procedure_id, procedure_id)] += n
        applied[CERTIFICATES] = c.certificates
        applied[BENEFITS] = sum(c.benefits.values())
        paper = c.benefits.get(PAPER, 0)
        figures.append(MonthFigures(
            month=month, friends=friends, verified=verified, applications=applied,
            online=sum(applied.values()) - paper, paper=paper,
            started=sum(started.values()), completed=sum(completed.values()),
            score_total=c.score_total, answers=c.answers, cost_yen=_cost(by_period, month),
            started_by=_titled(started, titles), completed_by=_titled(completed, titles)))
    total = MonthCounts()
    for c in counts:
        total = total.plus(c)
    completion = sorted(
        (ProcedureCompletion(titles.get(pid, pid), n, total.completed.get(pid, 0))
         for pid, n in procedures_only(total.started).items()),
        key=lambda c: (-c.started, c.title))
    return KpiReport(range=wanted, months=figures, kinds=kinds, procedures=available,
                     completion=completion, costs=costs)


def _month_counts(months: list[dt.date], uow: UnitOfWork
                  ) -> tuple[list[MonthCounts], MonthCounts]:
    """Each month's counts — kept where kept, else live — and everything before the first
    month added up (for the running totals: friends, verified residents)."""
    q = uow.queries.kpi
    span = q.kept_span()
    start = _start(months[0])
    kept = q.kept(months[0], months[-1]) if span else {}
    missing = [m for m in months if m not in kept]
    ranges: list[Range] = [(_start(m), _start(_next(m))) for m in missing]
    if span is None:
        ranges.append((None, start))
        before_kept = MonthCounts()
    else:
        first_kept, last_kept = span
        ranges.append((None, min(start, _start(first_kept))))  # back-dated rows, if any
        if _next(last_kept) < months[0]:
            ranges.append((_start(_next(last_kept)), start))
        before_kept = q.kept_before(months[0])
    live = q.live(ranges)
    found = dict(zip(missing, live, strict=False))
    before = before_kept
    for extra in live[len(missing):]:
        before = before.plus(extra)
    return [kept.get(m) or found[m] for m in months], before


def _titled(counts: dict[str, int], titles: dict[str, str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for procedure_id, n in counts.items():
        title = titles.get(procedure_id, procedure_id)
        found[title] = found.get(title, 0) + n
    return found


def _start(month: dt.date) -> dt.datetime:
    return dt.datetime.combine(month, dt.time(), JST)


def _available(procedure: Procedure, *, built: bool) -> AvailableProcedure:
    certificate = procedure.id == CERTIFICATE_ID  # the certificate desk checks and charges
    return AvailableProcedure(
        id=procedure.id, title=procedure.title, built=built,
        needs_verification=procedure.requires_verification or certificate,
        takes_payment=procedure.fee is not None or certificate)


def _cost(by_period: dict[str, ServiceCost], month: dt.date) -> int | None:
    """The month's own figure, else a twelfth of its year's."""
    own = by_period.get(f"{month:%Y-%m}")
    if own is not None:
        return own.total_yen
    year = by_period.get(f"{month:%Y}")
    return round(year.total_yen / 12) if year is not None else None
