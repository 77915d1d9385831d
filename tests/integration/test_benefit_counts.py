"""The figures staff read about a program agree with each other (SQLite and PostgreSQL): the
program page's split, the campaign preview, what the send did and the postal list all come
from one query, however households changed between the eligibility import and the send."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from adapters.persistence.queries.benefits import SqlBenefitQueries
from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from application.benefits.listing_postal import postal_rows
from application.benefits.reach import split
from application.benefits.sending_campaign import preview_campaign
from application.messaging.telling import ContactPolicy
from domain.channels import ChannelIdentity
from domain.residents import Verification
from tests import builders
from tests.integration.test_benefits import NOW, Town
from tests.support.jit import assert_without_jit_in_its_transaction

pytestmark = pytest.mark.integration


@pytest.fixture
def town(engine: Engine) -> Town:
    return Town(engine)


def _figures(town: Town) -> dict[str, object]:
    policy = ContactPolicy()
    reach = split("p1", uow=town.uow(), policy=policy)
    preview = preview_campaign("p1", uow=town.uow(), clock=town.clock, banks=town.banks,
                               policy=policy)
    postal = list(postal_rows("p1", actor=builders.actor(), uow_factory=town.uow,
                              clock=town.clock, policy=policy))
    return {"reach": reach, "preview": preview, "postal": [row.household_number for row in postal]}


def _change_the_town_after_the_import(town: Town) -> None:
    """h1's head changes to a member who is not verified; h2 sends a paper form; h3's head
    verifies on LINE; a member of h2 moves out."""
    with town.uow() as uow:
        uow.residents.add(builders.resident(id="r5", resident_number="000000005",
                                            household_number="H0001"))
        uow.residents.add(builders.resident(id="r6", resident_number="000000006",
                                            household_number="H0002"))
        uow.commit()
    with town.uow() as uow:
        h1, h2 = uow.households.get("h1"), uow.households.get("h2")
        h1.add_member("r5", "子")
        h1.change_head("r5")
        h2.add_member("r6", "子")
        uow.commit()
    with town.uow() as uow:
        uow.households.get("h2").remove_member("r6")
        r3 = uow.residents.get("r3")
        r3.verify(r3.facts, Verification(subject="s3", provider="dev", assurance="card",
                                         verified_at=NOW))
        uow.commit()
    enter_paper_application(EnterPaperApplication(
        program_id="p1", household_number="H0002", payout_method="atm_cash",
        actor=builders.actor()), uow=town.uow(), ids=town.ids, clock=town.clock)


def test_the_split_the_preview_the_send_and_the_postal_list_agree_when_households_change(
        town: Town) -> None:
    _change_the_town_after_the_import(town)

    before = _figures(town)
    reach, preview = before["reach"], before["preview"]
    # h1: its new head is not verified (postal); h2: applied on paper (not "notified");
    # h3: its head verified after the import (to notify).
    assert reach.to_json() == {"eligible": 3, "notified": 0, "applied": 1, "to_notify": 1,
                               "postal": 1, "reachable": 1}
    assert (preview.recipients, preview.already_notified, preview.postal) == (
        reach.to_notify, reach.notified, reach.postal)
    assert before["postal"] == ["H0001"]

    sent = town.send()
    after = _figures(town)

    assert sent["sent"] == preview.recipients == 1
    assert sent["considered"] == 1
    assert after["reach"].notified == sent["already_notified"] == 1
    assert (after["reach"].to_notify, after["preview"].recipients) == (0, 0)
    assert after["postal"] == before["postal"]
    assert after["reach"].eligible == (after["reach"].notified + after["reach"].applied
                                       + after["reach"].postal)


def test_a_household_with_a_paper_application_is_not_counted_as_sent_a_notice(
        town: Town) -> None:
    enter_paper_application(EnterPaperApplication(
        program_id="p1", household_number="H0001", payout_method="atm_cash",
        actor=builders.actor()), uow=town.uow(), ids=town.ids, clock=town.clock)

    preview = preview_campaign("p1", uow=town.uow(), clock=town.clock, banks=town.banks,
                               policy=ContactPolicy())

    assert preview.already_notified == 0
    assert preview.reach.applied == 1
    assert preview.recipients == 1  # h2 only


def test_a_household_whose_head_stopped_following_goes_to_the_postal_list_and_the_figure(
        town: Town) -> None:
    with town.uow() as uow:
        identity = uow.channel_identities.get("i2")
        identity.block(at=NOW)
        uow.channel_identities.add(ChannelIdentity.first_seen(
            id="i9", channel="line", address="U" + "9" * 32, at=NOW))
        uow.commit()

    figures = _figures(town)

    assert figures["reach"].postal == len(figures["postal"]) == 2
    assert sorted(figures["postal"]) == ["H0002", "H0003"]


def test_the_reach_is_counted_without_jit_on_postgresql_and_only_in_its_own_transaction(
        town: Town, engine: Engine) -> None:
    def run(session: Session) -> None:
        counts = SqlBenefitQueries(session).reach_counts("p1", ContactPolicy().ladder)
        assert sum(counts.values()) == 3  # the town's eligible households

    assert_without_jit_in_its_transaction(engine, run)
