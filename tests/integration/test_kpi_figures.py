"""The report's figures (報告・KPI, ADR 0060), month by month, counted by the database from a
small town whose every row is placed on purpose (Japan months: 23:30 on the 30th of September
is still September)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert

from adapters.persistence.orm import metadata
from application.ports.audit import AuditQuery
from application.reporting.keeping_kpi_months import keep_kpi_months
from application.reporting.kpi import BENEFITS, CERTIFICATES, KpiRange, kpi_report
from application.reporting.recounting_kpi_months import recount_kpi_months
from application.reporting.setting_service_cost import SetServiceCost, set_service_cost
from application.reporting.views import town_figures
from domain.errors import InvalidValue, NotAllowed
from domain.staff import Role
from domain.values import JST
from entrypoints.containers import Container
from entrypoints.procedure_wiring import IN_MENU
from tests import builders
from tests.fakes import FakeClock
from tests.support import kpi_town as rows

pytestmark = pytest.mark.integration

ADMIN = builders.actor(id="admin", role=Role.ADMINISTRATOR)
RANGE = KpiRange.of(dt.date(2026, 9, 1), dt.date(2026, 11, 1))


def at(month: int, day: int, hour: int = 12, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=JST)


def seed(container: Container) -> None:
    t = metadata.tables
    data = {
        "residents": [rows.resident(n, created_at=at(8, 1)) for n in (1, 2, 3)],
        "households": [rows.household(n) for n in (1, 2, 3)],
        "benefit_programs": [rows.program("p1", at=at(8, 1))],
        "channel_identities": [
            rows.identity(1, created_at=at(8, 10)),
            rows.identity(2, created_at=at(9, 30, 23, 30)),  # still September in Japan
            rows.identity(3, created_at=at(10, 1, 0, 10), status="blocked",
                          changed_at=at(11, 5)),
            rows.identity(4, created_at=at(10, 20), status="unreachable",
                          changed_at=at(10, 25)),
            rows.identity(5, created_at=at(11, 2)),
            rows.identity(6, created_at=at(10, 1), channel="sms")],
        "identity_verifications": [
            rows.verification(1, identity_id="i000000001", verified_at=at(8, 11)),
            rows.verification(2, identity_id="i000000002", verified_at=at(10, 3)),
            rows.verification(3, identity_id="i000000003", verified_at=at(10, 4),
                              status="review"),
            rows.verification(4, identity_id="i000000005", verified_at=at(11, 30, 23, 59))],
        "cases": [rows.case(n, identity_id="i000000001", procedure_id=pid, created_at=when)
                  for n, (pid, when) in enumerate([
                      ("report", at(9, 15)), ("report", at(10, 15)), ("report", at(10, 15)),
                      ("contact", at(10, 16)), ("contact", at(12, 1))])],
        "certificate_requests": [
            rows.certificate_request(1, resident_id="r000000001", requested_at=at(9, 1, 0, 0)),
            rows.certificate_request(2, resident_id="r000000001", requested_at=at(11, 10))],
        "applications": [
            rows.application(1, program_id="p1", household_id="h000000001",
                             confirmed_at=at(10, 5)),
            rows.application(2, program_id="p1", household_id="h000000002",
                             confirmed_at=at(10, 6), channel="postal"),
            rows.application(3, program_id="p1", household_id="h000000003",
                             confirmed_at=at(11, 7), channel="postal")],
        "conversations": [
            rows.conversation(n, identity_id="i000000001", procedure_id=pid, started_at=when,
                              status=status, procedure_version=version)
            for n, (pid, when, status, version) in enumerate([
                ("report", at(9, 2), "completed", None), ("report", at(9, 3), "cancelled", None),
                ("certificate", at(10, 2), "completed", None),
                ("certificate", at(10, 3), "expired", None),
                ("certificate", at(10, 4), "completed", None),
                ("contact", at(10, 5), "active", None),
                ("contact", at(10, 6), "completed", 0),  # staff trying a draft: left out
                ("contact_add", at(10, 7), "completed", None)])],  # a dialog, not a procedure
        "survey_answers": [
            rows.survey_answer(1, answered_at=at(9, 5), score=5),
            rows.survey_answer(2, answered_at=at(9, 6), score=4),
            rows.survey_answer(3, answered_at=at(11, 6), score=3),
            rows.survey_answer(4, answered_at=at(11, 7), score=1, survey_id="library_poll"),
            rows.survey_answer(5, answered_at=at(11, 8), score=None)],
    }
    with container.engine().begin() as connection:
        for table, values in data.items():
            connection.execute(insert(t[table]), values)


def report(container: Container):  # type: ignore[no-untyped-def]
    return kpi_report(RANGE, shipped=IN_MENU, catalogue=container.procedures(),
                      uow=container.uow())


def test_friends_and_verified_residents_are_counted_at_each_japan_months_end(
        container: Container) -> None:
    seed(container)

    months = report(container).months

    assert [m.month for m in months] == [dt.date(2026, 9, 1), dt.date(2026, 10, 1),
                                         dt.date(2026, 11, 1)]
    assert [m.friends for m in months] == [2, 3, 3]
    assert [m.verified for m in months] == [1, 2, 3]


def test_applications_are_counted_per_procedure_per_month_with_paper_apart(
        container: Container) -> None:
    seed(container)

    found = report(container)

    by_kind = {kind: [m.applications[kind] for m in found.months] for kind in found.kinds}
    assert by_kind == {"お問い合わせ": [0, 1, 0], "道路・公園などの通報": [1, 2, 0],
                       CERTIFICATES: [1, 0, 1], BENEFITS: [0, 2, 1]}
    assert [(m.transactions, m.online, m.paper) for m in found.months] == [
        (2, 2, 0), (5, 4, 1), (2, 1, 1)]
    assert [m.digital_take_up for m in found.months] == [1.0, 0.8, 0.5]


def test_completion_counts_conversations_started_each_month_without_staff_trials(
        container: Container) -> None:
    seed(container)

    found = report(container)

    assert [(m.started, m.completed) for m in found.months] == [(2, 1), (4, 2), (0, 0)]
    assert [m.completion_rate for m in found.months] == [0.5, 0.5, None]
    assert (found.months[1].started_by, found.months[1].completed_by) == (
        {"証明書の請求": 3, "お問い合わせ": 1}, {"証明書の請求": 2})
    assert [(c.title, c.started, c.completed) for c in found.completion] == [
        ("証明書の請求", 3, 2), ("道路・公園などの通報", 2, 1), ("お問い合わせ", 1, 0)]


def test_satisfaction_averages_the_satisfaction_survey_only(container: Container) -> None:
    seed(container)

    found = report(container)

    assert [m.satisfaction for m in found.months] == [4.5, None, 3.0]
    assert [m.answers for m in found.months] == [2, 0, 1]
    assert found.satisfaction == 4.0 and found.answers == 3


def test_an_empty_town_has_zeros_and_no_satisfaction(container: Container) -> None:
    found = report(container)

    assert [m.friends for m in found.months] == [0, 0, 0]
    assert [m.transactions for m in found.months] == [0, 0, 0]
    assert found.satisfaction is None and found.months[0].cost_per_transaction is None


def test_procedures_online_count_those_that_ship_and_what_they_need(
        container: Container) -> None:
    found = report(container)

    assert [p.id for p in found.procedures] == ["contact", "report", "certificate", "consultation"]
    assert [p.id for p in found.procedures if p.needs_verification] == ["certificate"]
    assert [p.id for p in found.procedures if p.takes_payment] == ["certificate"]


def test_cost_per_transaction_uses_the_months_figure_else_a_twelfth_of_the_year(
        container: Container) -> None:
    seed(container)
    clock = container.clock()
    set_service_cost(SetServiceCost(period="2026", running_cost_yen=1_200_000,
                                    staff_hours=120, hourly_cost_yen=3_000, actor=ADMIN),
                     uow=container.uow(), clock=clock)
    set_service_cost(SetServiceCost(period="2026-10", running_cost_yen=1, staff_hours=1,
                                    hourly_cost_yen=1, actor=ADMIN),
                     uow=container.uow(), clock=clock)
    set_service_cost(SetServiceCost(period="2026-10", running_cost_yen=100_000,
                                    staff_hours=10, hourly_cost_yen=2_500, actor=ADMIN),
                     uow=container.uow(), clock=clock)  # entered again: replaced

    found = report(container)

    assert [m.cost_yen for m in found.months] == [130_000, 125_000, 130_000]
    assert [m.cost_per_transaction for m in found.months] == [65_000, 25_000, 65_000]
    with container.uow() as uow:
        actions = [e.action for e in uow.audit.search(AuditQuery(action="kpi.cost_set"))]
    assert len(actions) == 3


def test_costs_are_refused_from_a_viewer_and_for_a_bad_period(container: Container) -> None:
    with pytest.raises(NotAllowed):
        set_service_cost(SetServiceCost(period="2026", running_cost_yen=1, staff_hours=1,
                                        hourly_cost_yen=1,
                                        actor=builders.actor(role=Role.VIEWER)),
                         uow=container.uow(), clock=container.clock())
    for period, yen in (("2026-13", 1), ("26", 1), ("2026", -5)):
        with pytest.raises(InvalidValue):
            set_service_cost(SetServiceCost(period=period, running_cost_yen=yen,
                                            staff_hours=1, hourly_cost_yen=1, actor=ADMIN),
                             uow=container.uow(), clock=container.clock())
    with container.uow() as uow:
        assert uow.service_costs.all() == []


def test_a_range_is_refused_backwards_or_longer_than_three_years() -> None:
    with pytest.raises(InvalidValue):
        KpiRange.of(dt.date(2026, 5, 1), dt.date(2026, 4, 1))
    with pytest.raises(InvalidValue):
        KpiRange.of(dt.date(2020, 1, 1), dt.date(2026, 1, 1))
    assert KpiRange.last_months(dt.date(2026, 1, 15)).months[0] == dt.date(2025, 2, 1)


def _keep_all(container: Container, now: dt.datetime) -> int:
    kept = 0
    while found := keep_kpi_months(uow_factory=container.uow, clock=FakeClock(now)):
        kept += found
    return kept


def test_kept_months_give_the_same_figures_as_counting_live(container: Container) -> None:
    seed(container)
    live = report(container)

    kept = _keep_all(container, at(12, 8, 1))  # November settled a week after its end

    found = report(container)
    assert kept == 4  # August (the first event) to November
    assert found.months == live.months and found.completion == live.completion
    with container.uow() as uow:
        assert uow.queries.kpi.kept_span() == (dt.date(2026, 8, 1), dt.date(2026, 11, 1))


def test_a_month_is_kept_only_a_week_after_its_end(container: Container) -> None:
    seed(container)

    assert _keep_all(container, at(12, 7, 23)) == 3  # November is not settled yet

    with container.uow() as uow:
        assert uow.queries.kpi.kept_span() == (dt.date(2026, 8, 1), dt.date(2026, 10, 1))
    assert [m.friends for m in report(container).months] == [2, 3, 3]


def test_rows_older_than_every_kept_month_still_count_and_a_recount_catches_late_ones(
        container: Container) -> None:
    seed(container)
    _keep_all(container, at(12, 8, 1))
    with container.engine().begin() as connection:
        connection.execute(insert(metadata.tables["channel_identities"]), [
            rows.identity(7, created_at=at(1, 5)),  # before August: counted live
            rows.identity(8, created_at=at(10, 9))])  # inside kept October: not yet

    assert [m.friends for m in report(container).months] == [3, 4, 4]
    assert recount_kpi_months(actor=ADMIN, uow=container.uow(), clock=container.clock()) == 4

    assert [m.friends for m in report(container).months] == [3, 5, 5]
    with container.uow() as uow:
        assert uow.queries.kpi.kept_span() is None
        assert [r.action for r in uow.audit.search(AuditQuery(action="kpi.recount"))] == [
            "kpi.recount"]


def test_the_dashboard_shows_the_last_years_satisfaction_average(container: Container) -> None:
    seed(container)

    figures = town_figures(today=dt.date(2026, 12, 5), uow=container.uow())

    assert figures.satisfaction_score == 4.0  # 5, 4 and 3; the other survey and no score out
    assert town_figures(today=dt.date(2028, 1, 1), uow=container.uow()).satisfaction_score \
        is None
