"""The demo town's year of activity (`demo/seeding_activity.py`): seeded through the router and
the use cases on a clock moved back in time, growing month by month, the same for the same
seed, and not doubled by a second run."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from adapters.persistence.orm.cases import cases
from adapters.persistence.orm.certificates import certificate_requests
from adapters.persistence.orm.messaging import channel_identities, conversations, outbox
from adapters.persistence.orm.surveys import survey_answers
from application.access.actor import SYSTEM
from application.dates import in_japan
from application.messaging.outbox import OutboxStatus
from application.messaging.telling import load_policy
from demo.activity_plan import MONTHS, plan_year
from demo.seeding_activity import history_people, seed_activity
from demo.seeding_procedures import seed_demo_procedures
from demo.seeding_town import SeedDemoTown, seed_demo_town
from entrypoints.builder_wiring import TEMPLATE_LIBRARY
from entrypoints.containers import Container
from entrypoints.demo_wiring import past_town
from entrypoints.procedure_wiring import SHIPPED_IDS
from tests.support.town_snapshots import seeded

pytestmark = pytest.mark.integration

ONE_MATCH_KEY = "the demo year's match key"  # every copy of the seeded year has the seed's keys

HOUSEHOLDS, FRIENDS = 60, 60


@pytest.fixture
def container(container: Container) -> Container:
    container.config.match_key.from_value(ONE_MATCH_KEY)
    return container


def _seed(container: Container) -> dict[str, int]:
    """The demo's staff and departments (who answer the cases) and its procedures (粗大ごみ
    published), then the year."""
    seed_demo_town(SeedDemoTown(actor=SYSTEM, households=1), uow_factory=container.uow,
                   ids=container.ids(), clock=container.clock(),
                   hasher=container.password_hasher(), keyer=container.match_keyer(),
                   policy=load_policy(container.uow))
    seed_demo_procedures(actor=SYSTEM, uow_factory=container.uow, clock=container.clock(),
                         shipped=SHIPPED_IDS, library=TEMPLATE_LIBRARY)
    town = past_town(container)()
    try:
        return seed_activity(town, ids=container.ids(), keyer=container.match_keyer(),
                             households=HOUSEHOLDS, friends=FRIENDS)
    finally:
        town.close()


def _count(container: Container, table) -> int:  # type: ignore[no-untyped-def]
    with container.engine().connect() as connection:
        return connection.scalar(select(func.count()).select_from(table))


def _friends_by_month(container: Container) -> Counter[str]:
    with container.engine().connect() as connection:
        created = connection.scalars(select(channel_identities.c.created_at)).all()
    return Counter(in_japan(at).strftime("%Y-%m") for at in created)


def test_a_year_of_friends_grows_month_by_month_up_to_now(container: Container) -> None:
    added = _seed(container)  # seeded now: its last month is this moment's

    by_month = _friends_by_month(container)
    months = sorted(by_month)
    assert len(months) >= MONTHS - 1 and months[-1] == in_japan(container.clock().now()).strftime(
        "%Y-%m")
    running, totals = 0, []
    for month in months:
        running += by_month[month]
        totals.append(running)
    assert totals == sorted(totals) and totals[-1] == sum(
        v for k, v in added.items() if k.startswith("friends_"))
    first_half, second_half = sum(by_month[m] for m in months[:6]), sum(
        by_month[m] for m in months[6:])
    assert second_half > first_half  # growing: more residents join later in the year
    assert 0.4 * totals[-1] <= added["verified"] <= 0.8 * totals[-1]


def test_the_year_has_procedures_cases_answers_and_ratings(container: Container) -> None:
    added = seeded(container, _seed)

    with container.engine().connect() as connection:
        statuses = Counter(s.value for s in connection.scalars(  # not 連絡先's own dialogs
            select(conversations.c.status).where(conversations.c.procedure_id.in_(
                ("contact", "report", "bulky_waste", "certificate")))))
        case_statuses = Counter(s.value for s in connection.scalars(select(cases.c.status)))
        scores = connection.scalars(select(survey_answers.c.score)).all()
        periods = set(connection.scalars(select(survey_answers.c.period)).all())
        waiting_to_go = connection.scalar(select(func.count()).select_from(outbox).where(
            outbox.c.status == OutboxStatus.PENDING))
    assert added["procedures_sent"] == statuses["completed"] == sum(
        case_statuses.values()) + added["certificates_requested"]  # a certificate opens none
    assert statuses["completed"] > statuses["cancelled"] + statuses["active"] > 0
    assert case_statuses["closed"] > 0 and added["cases_answered"] >= added["cases_closed"]
    assert len(scores) == added["satisfaction_answers"] > 0 and len(periods) > 3
    assert sum(score >= 4 for score in scores) > len(scores) / 2
    assert waiting_to_go == 0  # the past's messages were delivered in the past


def test_the_year_has_certificates_paid_issued_and_mailed_and_fees_paid(
        container: Container) -> None:
    added = seeded(container, _seed)

    with container.engine().connect() as connection:
        certificates = Counter(
            (paid.value, issued.value) for paid, issued in connection.execute(select(
                certificate_requests.c.payment_state, certificate_requests.c.issue_state)))
        bulky = connection.scalar(select(func.count()).select_from(cases).where(
            cases.c.procedure_id == "bulky_waste"))
    assert sum(certificates.values()) == added["certificates_requested"] > 0
    assert {paid for paid, _ in certificates} == {"paid"}
    assert certificates[("paid", "mailed")] == added["certificates_mailed"] > 0
    assert added["fees_paid"] == added["certificates_requested"] + bulky and bulky > 0


def test_seeding_the_year_again_adds_nothing(container: Container) -> None:
    seeded(container, _seed)
    before = {table.name: _count(container, table)
              for table in (channel_identities, conversations, cases, survey_answers)}

    assert _seed(container) == {}

    assert before == {table.name: _count(container, table)
                      for table in (channel_identities, conversations, cases, survey_answers)}


def test_the_same_seed_and_day_give_the_same_year(container: Container) -> None:
    now = container.clock().now()
    people = len(history_people(households=HOUSEHOLDS))

    plan = plan_year(now, people=people, seed=7, friends=FRIENDS)
    _seed(container)  # seeded now: the plan is for this very moment

    assert plan == plan_year(now, people=people, seed=7, friends=FRIENDS)
    assert plan != plan_year(now, people=people, seed=8, friends=FRIENDS)
    planned = Counter(in_japan(step.at).strftime("%Y-%m") for step in plan
                      if step.kind in {"follow", "email"})  # e-mail: a second identity
    assert _friends_by_month(container) == planned  # the demo town's one household has none
