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
    bounds = month_bounds(months)
    count = len(months)
    with uow:
        q = uow.queries.kpi
        friends, verified = q.friends(bounds), q.verified(bounds)
        cases, certificates = q.cases(bounds), q.certificate_requests(bounds)
        benefits, talks = q.benefit_applications(bounds), q.conversations(bounds)
        scores = q.satisfaction(bounds)
        built = uow.built_procedures.all()
        costs = uow.service_costs.all()
    titles = {p.id: p.title for p in shipped} | {p.id: p.title for p in built}
    available = [_available(p, built=False) for p in shipped]
    for procedure in built:
        if procedure.accepting and procedure.published_version is not None:
            current = catalogue.version(procedure.id, procedure.published_version)
            if current is not None:
                available.append(_available(current, built=True))
    per_kind: dict[str, list[int]] = {}
    for procedure_id, counts in sorted(cases.items()):
        per_kind[titles.get(procedure_id, procedure_id)] = _add(
            per_kind.get(titles.get(procedure_id, procedure_id)), counts)
    per_kind[CERTIFICATES] = certificates
    zero = [0] * count
    per_kind[BENEFITS] = [sum(v) for v in zip(*benefits.values(), strict=True)] \
        if benefits else zero
    paper = benefits.get(PAPER, zero)
    by_period = {cost.period: cost for cost in costs}
    figures = []
    for index, month in enumerate(months):
        applied = {kind: counts[index] for kind, counts in per_kind.items()}
        total = sum(applied.values())
        started = sum(c[index].started for c in talks.values())
        completed = sum(c[index].completed for c in talks.values())
        figures.append(MonthFigures(
            month=month, friends=friends[index], verified=verified[index],
            applications=applied, online=total - paper[index], paper=paper[index],
            started=started, completed=completed, score_total=scores[index].total,
            answers=scores[index].answers, cost_yen=_cost(by_period, month)))
    completion = sorted(
        (ProcedureCompletion(titles.get(pid, pid), sum(c.started for c in counts),
                             sum(c.completed for c in counts)) for pid, counts in talks.items()),
        key=lambda c: (-c.started, c.title))
    return KpiReport(range=wanted, months=figures, kinds=list(per_kind),
                     procedures=available, completion=completion, costs=costs)


def _available(procedure: Procedure, *, built: bool) -> AvailableProcedure:
    certificate = procedure.id == CERTIFICATE_ID  # the certificate desk checks and charges
    return AvailableProcedure(
        id=procedure.id, title=procedure.title, built=built,
        needs_verification=procedure.requires_verification or certificate,
        takes_payment=procedure.fee is not None or certificate)


def _add(before: list[int] | None, counts: list[int]) -> list[int]:
    return counts if before is None else [a + b for a, b in zip(before, counts, strict=True)]


def _cost(by_period: dict[str, ServiceCost], month: dt.date) -> int | None:
    """The month's own figure, else a twelfth of its year's."""
    own = by_period.get(f"{month:%Y-%m}")
    if own is not None:
        return own.total_yen
    year = by_period.get(f"{month:%Y}")
    return round(year.total_yen / 12) if year is not None else None
