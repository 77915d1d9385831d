"""The dashboard's figures, counted and summed by the database."""

from __future__ import annotations

import datetime as dt

import pytest

from application.reporting.views import town_figures
from domain.benefits import ApplicationStatus, PayoutMethod
from domain.channels import ChannelIdentity, IdentityStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.residents import Verification
from domain.values import JST, Money
from entrypoints.containers import Container
from tests import builders

pytestmark = pytest.mark.integration

TODAY = dt.date(2026, 6, 14)


def _seed(container: Container) -> None:
    at = dt.datetime(2026, 6, 14, 8, 0, tzinfo=JST)
    with container.uow() as uow:
        program = builders.program()
        uow.programs.add(program)
        for n in range(3):
            person = builders.resident(id=f"r{n}", resident_number=f"00{n}",
                                       household_number=f"H{n}")
            if n < 2:
                person.verify(person.facts, Verification(subject=f"s{n}", provider="dev_card",
                                                         assurance="card", verified_at=at))
            uow.residents.add(person)
            uow.households.add(builders.household(id=f"h{n}", household_number=f"H{n}",
                                                  head_resident_id=f"r{n}"))
            application = builders.application(id=f"a{n}", of_program=program,
                                               household_id=f"h{n}")
            application.status = [ApplicationStatus.PAID, ApplicationStatus.PAID,
                                  ApplicationStatus.NOTIFIED][n]
            uow.applications.add(application)
        for n, status in enumerate([DisbursementStatus.SETTLED, DisbursementStatus.SETTLED,
                                    DisbursementStatus.FAILED]):
            payment = Disbursement(id=f"d{n}", application_id=f"a{n}", amount=Money(70_000),
                                   method=PayoutMethod.ATM_CASH, cash_code=f"code{n}")
            payment.status = status
            uow.disbursements.add(payment)
        for n, (status, when) in enumerate([
                (IdentityStatus.FOLLOWING, at), (IdentityStatus.FOLLOWING, at),
                (IdentityStatus.FOLLOWING, at - dt.timedelta(days=3)),
                (IdentityStatus.BLOCKED, at - dt.timedelta(days=30))]):
            uow.channel_identities.add(ChannelIdentity(
                id=f"c{n}", channel="line", address=f"U{n:032d}", status=status,
                created_at=when))
        uow.commit()


def test_the_figures_count_friends_verified_people_applications_and_money(
        container: Container) -> None:
    _seed(container)

    figures = town_figures(today=TODAY, days=14, uow=container.uow())

    assert (figures.line_friends, figures.line_blocked) == (3, 1)
    assert (figures.residents_in_registry, figures.verified_residents) == (3, 2)
    assert figures.applications_by_status == {"paid": 2, "notified": 1}
    assert (figures.amount_paid_yen, figures.disbursements_settled) == (140_000, 2)
    assert figures.satisfaction_score is None
    per_day = dict(figures.new_friends_by_day)
    assert len(per_day) == 14 and per_day[TODAY] == 2
    assert per_day[TODAY - dt.timedelta(days=3)] == 1 and sum(per_day.values()) == 3


def test_an_empty_town_has_zero_everywhere(container: Container) -> None:
    figures = town_figures(today=TODAY, uow=container.uow())

    assert figures.line_friends == figures.amount_paid_yen == figures.verified_residents == 0
    assert figures.applications_by_status == {} == figures.certificate_requests_by_state
