"""取り下げ on a real database (SQLite and PostgreSQL): a reason is required, a payment in a
batch blocks it (named by batch number), and once it goes every household with an application
is told in the chat, 状況確認 says 取り下げ, and payments waiting for a batch are cancelled."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from adapters.banks.bank_calendar import JapaneseBankCalendar
from adapters.persistence.orm.messaging import outbox
from application.benefits.deciding_applications import DecideApplications, decide_applications
from application.benefits.reporting_status import status_messages
from application.benefits.withdrawing_program import WithdrawProgram, withdraw_program
from application.disbursements.cancelling_batch import CancelBatch, cancel_batch
from application.disbursements.creating_batch import CreateBatch, create_batch
from application.messaging.telling import ContactPolicy, Telling
from domain.access import Role
from domain.benefits import ApplicationStatus, PayoutMethod, ProgramStatus
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import DomainError
from tests import builders
from tests.integration.test_benefits import NOW, Town

pytestmark = pytest.mark.integration

ADMIN = builders.actor(id="admin", role=Role.ADMINISTRATOR)


@pytest.fixture
def town(engine: Engine) -> Town:
    """h1 notified and approved (ATM cash), h2 notified and not answered, h3 postal."""
    town = Town(engine)
    town.send()
    with town.uow() as uow:
        program = uow.programs.get("p1")
        uow.applications.get_for("p1", "h1").confirm(
            program=program, at=NOW, payout_method=PayoutMethod.ATM_CASH, payee_account=None)
        uow.commit()
    decide_applications(DecideApplications(program_id="p1",
                                           application_ids=(town.application("h1").id,),
                                           approve=True, actor=ADMIN),
                        uow_factory=town.uow, clock=town.clock,
                        telling=Telling(ContactPolicy(), town.ids, town.clock))
    return town


def _withdraw(town: Town, reason: str = "国の予算が成立しなかったため") -> object:
    return withdraw_program(WithdrawProgram(program_id="p1", reason=reason, actor=ADMIN),
                            uow=town.uow(), clock=town.clock)


def _texts_to(town: Town, address: str) -> list[str]:
    with town.sessions() as session:
        payloads = session.execute(select(outbox.c.payload)
                                   .where(outbox.c.recipient == address)).scalars()
        return [m.get("text", "") for p in payloads for m in p["messages"]]


def _status_text(town: Town, identity_id: str) -> str:
    with town.uow() as uow:
        identity = uow.channel_identities.get(identity_id)
        return "\n".join(m.text for m in status_messages(identity, uow=uow))


def test_a_withdrawal_without_a_reason_is_refused_and_changes_nothing(town: Town) -> None:
    before = town.outbox_count()

    with pytest.raises(DomainError, match="取り下げの理由"):
        _withdraw(town, reason=" ")

    with town.uow() as uow:
        assert uow.programs.get("p1").status is ProgramStatus.OPEN
    assert town.application("h2").status is ApplicationStatus.NOTIFIED
    assert town.outbox_count() == before


def test_a_payment_in_a_batch_blocks_the_withdrawal_naming_the_batch(town: Town) -> None:
    batch = create_batch(CreateBatch(program_id="p1", method="atm_cash", actor=ADMIN),
                         uow=town.uow(), ids=town.ids, clock=town.clock,
                         calendar=JapaneseBankCalendar())
    before = town.outbox_count()

    with pytest.raises(DomainError, match=f"支払バッチ 第{batch.number}号 .*取り消して"):
        _withdraw(town)

    with town.uow() as uow:
        assert uow.programs.get("p1").status is ProgramStatus.OPEN
    assert town.application("h1").status is ApplicationStatus.APPROVED
    assert town.outbox_count() == before

    cancel_batch(CancelBatch(batch_id=batch.id, actor=ADMIN, reason="取り下げのため"),
                 uow=town.uow(), ids=town.ids, clock=town.clock)
    done = _withdraw(town)

    assert done.payments_cancelled == 1
    with town.uow() as uow:
        payment = uow.disbursements.get_for_application(town.application("h1").id)
        assert payment is None  # the only one was cancelled: nothing live is left
        assert uow.programs.get("p1").status is ProgramStatus.WITHDRAWN


def test_the_households_are_told_with_the_reason_and_their_status_says_withdrawn(
        town: Town) -> None:
    done = _withdraw(town)

    assert done.applications == 2
    assert {town.application(h).status for h in ("h1", "h2")} == {ApplicationStatus.WITHDRAWN}
    for address in (f"U{1:032d}", f"U{2:032d}"):
        told = [t for t in _texts_to(town, address) if "取り下げのお知らせ" in t]
        assert len(told) == 1 and "国の予算が成立しなかったため" in told[0]
    assert not [t for t in _texts_to(town, f"U{3:032d}") if "取り下げ" in t]  # no application
    status = _status_text(town, "i2")
    assert "取り下げ" in status and "通知済み" not in status


def test_a_withdrawn_program_cannot_be_withdrawn_again(town: Town) -> None:
    _withdraw(town)
    before = town.outbox_count()

    with pytest.raises(DomainError, match="取り下げ"):
        _withdraw(town)
    assert town.outbox_count() == before


def test_a_payment_waiting_for_a_batch_is_cancelled_with_the_program(town: Town) -> None:
    with town.uow() as uow:  # as a batch leaves it when it is cancelled
        uow.disbursements.add(Disbursement.for_application(
            id="d-pending", application=uow.applications.get_for("p1", "h1"), at=NOW))
        uow.commit()

    _withdraw(town)

    with town.uow() as uow:
        assert uow.disbursements.get("d-pending").status is DisbursementStatus.CANCELLED
