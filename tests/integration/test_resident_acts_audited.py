"""A resident's own acts appear in the staff audit log, named 住民, in the transaction of the
act: an application from the chat, a completed verification. A paper form staff enter is
staff's act only."""

from __future__ import annotations

import pytest

from application.benefits.entering_paper_application import (
    EnterPaperApplication,
    enter_paper_application,
)
from application.ports.audit import AuditQuery
from domain.benefits import PayoutMethod
from domain.residents import Verification
from tests import builders
from tests.integration.test_benefits import NOW, Town
from tests.integration.test_benefits import town as town  # the fixture

pytestmark = pytest.mark.integration


def _log(town: Town, action: str) -> list[tuple[str, str, str, dict]]:  # type: ignore[type-arg]
    with town.uow() as uow:
        return [(r.actor_id, r.actor_label, r.target_id, r.detail)
                for r in uow.audit.search(AuditQuery(action=action))]


def test_an_application_sent_from_the_chat_is_recorded_as_the_resident_s(town: Town) -> None:
    town.send()
    application = town.application()
    with town.uow() as uow:
        found = uow.applications.get(application.id)
        found.confirm(program=uow.programs.get("p1"), at=NOW,
                      payout_method=PayoutMethod.ATM_CASH, payee_account=None)
        uow.commit()

    assert _log(town, "application.applied") == [
        ("resident", "住民", application.id, {"channel": "line"})]


def test_a_paper_form_staff_enter_is_not_recorded_as_the_resident_s(town: Town) -> None:
    enter_paper_application(
        EnterPaperApplication(program_id="p1", household_number="H0003",
                              payout_method="atm_cash", actor=builders.actor()),
        uow=town.uow(), ids=town.ids, clock=town.clock)

    assert _log(town, "application.applied") == []
    assert [a for a, *_ in _log(town, "application.paper_entry")] == ["s1"]


def test_a_completed_verification_is_recorded_as_the_resident_s(town: Town) -> None:
    with town.uow() as uow:
        resident = uow.residents.get("r3")
        resident.verify(resident.facts, Verification(subject="s3", provider="dev",
                                                     assurance="card", verified_at=NOW))
        uow.commit()

    logged = _log(town, "resident.verified")  # the town's seed verified r1, r2 and r4
    assert logged[0] == ("resident", "住民", "r3", {})
    assert sorted(target for _, _, target, _ in logged) == ["r1", "r2", "r3", "r4"]
