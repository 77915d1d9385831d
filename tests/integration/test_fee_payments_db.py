"""Procedure fees on a real database (SQLite, and PostgreSQL in CI, ADR 0053): the answers kept
encrypted until the case, the look-ups the payment code uses, and what the database refuses so
that nothing is paid, refunded or opened twice."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, text

from adapters.persistence.unit_of_work import SqlAlchemyUnitOfWork, session_factory
from application.messagebus import MessageBus
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError
from domain.cases import InboxCase
from domain.channels import ChannelIdentity
from domain.fees import FeePayment
from domain.payments import PaymentState
from domain.values import Money

pytestmark = pytest.mark.integration

NOW = dt.datetime(2026, 6, 10, 3, 0, tzinfo=dt.UTC)


def _uow(engine: Engine) -> SqlAlchemyUnitOfWork:
    return SqlAlchemyUnitOfWork(session_factory(engine), MessageBus({}))  # the tables alone


def _fee(id: str, *, days_ago: int = 0, started: bool = False) -> FeePayment:
    fee = FeePayment(id=id, procedure_id="bulky", identity_id="i1", label="粗大ごみ処理手数料",
                     unit_amount=Money(400), quantity=3, unit="点",
                     created_at=NOW - dt.timedelta(days=days_ago),
                     answers={"what": "たんす", "items": 3})
    if started:
        fee.start_payment(f"{id}-1", provider="fake", provider_id=f"p-{id}", url="http://pay",
                          at=NOW)
    return fee


@pytest.fixture
def stored(engine: Engine) -> Engine:
    with _uow(engine) as uow:
        uow.channel_identities.add(ChannelIdentity.first_seen(id="i1", channel="line",
                                                              address="U1", at=NOW))
        uow.commit()
    with _uow(engine) as uow:
        uow.fee_payments.add(_fee("old", days_ago=4))
        uow.fee_payments.add(_fee("new"))
        uow.fee_payments.add(_fee("paying", days_ago=4, started=True))
        uow.commit()
    return engine


def test_the_answers_wait_encrypted_and_read_back(stored: Engine) -> None:
    with stored.connect() as connection:
        raw = connection.execute(text("SELECT answers FROM fee_payments WHERE id = 'old'"))
        assert "たんす" not in raw.scalar_one()
    with _uow(stored) as uow:
        fee = uow.fee_payments.get("old")
        assert fee.answers == {"what": "たんす", "items": 3}
        assert fee.amount_due == Money(1200)


def test_the_look_ups_of_the_payment_code_find_their_fees(stored: Engine) -> None:
    with _uow(stored) as uow:
        assert [f.id for f in uow.fee_payments.unpaid_before(
            created_before=NOW - dt.timedelta(days=3))] == ["old"]
        assert [f.id for f in uow.fee_payments.pending_payments(
            started_before=NOW + dt.timedelta(minutes=1))] == ["paying"]
        assert uow.fee_payments.get_by_payment_reference("paying-1").id == "paying"


def test_a_fee_belongs_to_one_case_and_a_case_has_one_fee(stored: Engine) -> None:
    with _uow(stored) as uow:
        uow.cases.add(InboxCase.opened(id="k1", number="2026-000001", department_id=None,
                                       procedure_id="bulky", title="粗大ごみ", identity_id="i1",
                                       answers=[], photos=[], at=NOW))
        uow.commit()
    with _uow(stored) as uow:
        uow.fee_payments.get("old").case_opened("k1")
        uow.commit()
    with _uow(stored) as uow:
        assert uow.fee_payments.of_case("k1").id == "old"
        uow.fee_payments.get("new").case_opened("k1")
        with pytest.raises(DuplicateError):
            uow.commit()


def test_two_fees_cannot_share_a_payment_or_refund_reference(stored: Engine) -> None:
    with _uow(stored) as uow:
        copy = _fee("copy")
        copy.start_payment("paying-1", provider="fake", provider_id="x", url="u", at=NOW)
        uow.fee_payments.add(copy)
        with pytest.raises(DuplicateError):
            uow.commit()
    with _uow(stored) as uow:
        for fee_id in ("old", "new"):
            fee = uow.fee_payments.get(fee_id)
            fee.payment_state, fee.refund_reference = PaymentState.REFUNDED, "same-refund"
        with pytest.raises(DuplicateError):
            uow.commit()


def test_two_returns_settling_the_same_fee_at_once_cannot_both_win(stored: Engine) -> None:
    one, other = _uow(stored), _uow(stored)
    with one, other:
        one.fee_payments.get("paying").mark_paid(payment_id="a", amount=Money(1200), at=NOW)
        other.fee_payments.get("paying").mark_paid(payment_id="b", amount=Money(1200), at=NOW)
        one.commit()
        with pytest.raises(ConcurrentUpdate):
            other.commit()
