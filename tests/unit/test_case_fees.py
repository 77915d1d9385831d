"""A procedure's fee on fakes (ADR 0053): the finished procedure waits for its fee out of the
inbox; paying opens the case (once, however often it is settled); staff refund it once; a fee
never paid is dropped with its answers, one still being paid is not."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from adapters.payments.fake import FakePaymentGateway
from application.cases.dropping_unpaid_fees import drop_unpaid_fees
from application.cases.opening_case import CaseDesk
from application.cases.refunding_case_fee import RefundCaseFee, refund_case_fee
from application.conversations.catalogue import ProcedureCatalogue
from application.conversations.fees import Fee
from application.conversations.procedures import AnswerType, Procedure, Step
from application.conversations.state import Conversation
from application.handlers import message_bus
from application.messaging.codec import messages_from_json
from application.messaging.telling import ContactPolicy, Telling
from application.payments.paying import (
    Payables,
    PaymentLinks,
    SettleOutcome,
    settle_payment,
    start_payment,
)
from domain.cases import Department
from domain.channels import ChannelIdentity
from domain.errors import IllegalTransition, NotAllowed
from domain.payments import PaymentState
from domain.staff import Role
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds
from tests.unit.test_conversations import FakeBankMaster

pytestmark = pytest.mark.unit

BULKY = Procedure(
    id="bulky", title="粗大ごみ収集の申込",
    steps=(Step(key="what", question="何を出しますか？", answer=AnswerType.TEXT, label="品目"),
           Step(key="items", question="何点ですか？", answer=AnswerType.NUMBER, min_value=1,
                max_value=10, label="点数")),
    fee=Fee(amount=400, label="粗大ごみ処理手数料", per_answer="items"))
LINKS = PaymentLinks(return_url=lambda ref: f"http://app/return/{ref}",
                     cancel_url=lambda ref: f"http://app/return/{ref}?cancelled=1")


class Town:
    def __init__(self) -> None:
        self.clock, self.ids = FakeClock(), SequentialIds("t")
        self.desk = CaseDesk({BULKY.id: BULKY}, FakeBankMaster(),
                             fee_pay_url=lambda fee_id: f"http://app/payments/fees/{fee_id}")
        self.db = FakeDatabase(message_bus(
            telling=Telling(ContactPolicy(("line",)), self.ids, self.clock), ids=self.ids,
            clock=self.clock, banks=None, pay_url=lambda request: "", cases=self.desk,
            fee_pay_url=self.desk.fee_pay_url))
        self.gateway = FakePaymentGateway("http://app/payments/fake")
        with self.uow() as uow:
            uow.departments.add(Department(id="d1", name="環境課"))
            uow.channel_identities.add(ChannelIdentity.first_seen(
                id="i1", channel="line", address="U1", at=self.clock.now()))
            uow.commit()

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db)

    def finish(self, items: int = 3) -> list[str]:
        with self.uow() as uow:
            identity = uow.channel_identities.get("i1")
            said = self.desk.on_finish(
                Conversation.begin(id="v1", identity_id="i1", procedure_id="bulky",
                                   first_step="what", now=self.clock.now(),
                                   ttl=BULKY.ttl),
                {"what": "たんす", "items": items}, identity, said=[], uow=uow,
                ids=self.ids, now=self.clock.now())
            uow.commit()
        return [m.text for m in said]

    def fee(self) -> Any:
        [fee] = self.db.tables["fee_payments"].values()
        return fee

    def pay(self) -> str:
        start_payment(Payables.FEES, self.fee().id, uow=self.uow(), gateway=self.gateway,
                      clock=self.clock, links=LINKS)
        self.gateway.pay(str(self.fee().payment_provider_id))
        return str(self.fee().payment_reference)

    def told(self) -> list[str]:
        return [m.text for row in self.db.tables["outbox"].values()
                for m in messages_from_json(row.payload["messages"])]


def test_a_finished_procedure_with_a_fee_waits_for_it_out_of_the_inbox() -> None:
    town = Town()

    said = town.finish()

    assert said[0] == "粗大ごみ収集の申込の手数料\n粗大ごみ処理手数料: 400円 × 3点 = 1,200円"
    assert "お支払いを確認してから受け付けます" in said[1]
    assert town.db.tables["cases"] == {}
    fee = town.fee()
    assert (fee.amount_due.yen, fee.answers["what"], fee.payment_state) == (
        1200, "たんす", PaymentState.UNPAID)


def test_paying_opens_the_case_once_however_often_it_is_settled() -> None:
    town = Town()
    town.finish()
    reference = town.pay()

    first = settle_payment(reference, uow=town.uow(), gateway=town.gateway, clock=town.clock)
    again = settle_payment(reference, uow=town.uow(), gateway=town.gateway, clock=town.clock)

    assert (first.outcome, again.outcome) == (SettleOutcome.PAID, SettleOutcome.ALREADY_PAID)
    [case] = town.db.tables["cases"].values()
    assert (case.department_id, case.procedure_id) == ("d1", "bulky")
    assert ["品目", "たんす"] in case.answers
    fee = town.fee()
    assert fee.case_id == case.id and fee.answers == {} and fee.payment_id
    [told] = [t for t in town.told() if "お支払いを確認し" in t]
    assert f"受付番号 {case.number}" in told


def test_a_fee_is_refunded_once_and_the_resident_told() -> None:
    town = Town()
    town.finish()
    settle_payment(town.pay(), uow=town.uow(), gateway=town.gateway, clock=town.clock)
    [case_id] = town.db.tables["cases"]
    staff = builders.actor(role=Role.ADMINISTRATOR)

    done = refund_case_fee(RefundCaseFee(case_id=case_id, actor=staff), uow=town.uow(),
                           clock=town.clock, gateway=town.gateway)
    twice = refund_case_fee(RefundCaseFee(case_id=case_id, actor=staff), uow=town.uow(),
                            clock=town.clock, gateway=town.gateway)

    assert (done.already, twice.already) == (False, True)
    assert town.fee().payment_state is PaymentState.REFUNDED
    assert sum("全額返金しました" in t for t in town.told()) == 1


def test_an_unpaid_fee_is_not_refunded_and_another_department_may_not() -> None:
    town = Town()
    town.finish()
    settle_payment(town.pay(), uow=town.uow(), gateway=town.gateway, clock=town.clock)
    [case_id] = town.db.tables["cases"]
    outsider = builders.actor(id="s9", role=Role.CASE_WORKER)

    with pytest.raises(NotAllowed):
        refund_case_fee(RefundCaseFee(case_id=case_id, actor=outsider), uow=town.uow(),
                        clock=town.clock, gateway=town.gateway)
    town.fee().payment_state = PaymentState.UNPAID  # as if it had not been paid
    with pytest.raises(IllegalTransition, match="支払われていない"):
        refund_case_fee(RefundCaseFee(case_id=case_id,
                                      actor=builders.actor(role=Role.ADMINISTRATOR)),
                        uow=town.uow(), clock=town.clock, gateway=town.gateway)


def test_a_fee_never_paid_is_dropped_after_days_and_one_being_paid_is_not() -> None:
    town = Town()
    town.finish()
    town.clock.advance(days=4)

    with town.uow() as uow:
        fee = uow.fee_payments.get(town.fee().id)
    start_payment(Payables.FEES, fee.id, uow=town.uow(), gateway=town.gateway,
                  clock=town.clock, links=LINKS)
    assert drop_unpaid_fees(uow_factory=town.uow, clock=town.clock) == 0  # being paid

    town.fee().payment_state = PaymentState.UNPAID  # it lapsed
    assert drop_unpaid_fees(uow_factory=town.uow, clock=town.clock) == 1
    assert town.db.tables["fee_payments"] == {} and town.db.tables["cases"] == {}


def test_a_paid_fee_whose_procedure_is_gone_still_opens_its_case() -> None:
    town = Town()
    town.finish()
    reference = town.pay()
    town.desk.procedures = ProcedureCatalogue({})  # the procedure was removed meanwhile

    settle_payment(reference, uow=town.uow(), gateway=town.gateway, clock=town.clock)

    [case] = town.db.tables["cases"].values()
    assert case.title == "bulky" and ["items", "3"] in case.answers


def test_tapping_pay_twice_goes_back_to_the_same_attempt() -> None:
    town = Town()
    town.finish()

    urls = {start_payment(Payables.FEES, town.fee().id, uow=town.uow(), gateway=town.gateway,
                          clock=town.clock, links=LINKS) for _ in range(2)}

    assert len(urls) == 1 and town.fee().payment_attempts == 1


def test_a_place_is_kept_while_its_fee_waits_so_a_full_course_is_not_over_filled() -> None:
    town = Town()
    town.desk.procedures = ProcedureCatalogue({BULKY.id: attrs.evolve(BULKY, capacity=1)})
    town.finish()  # waiting for its fee: the one place is taken
    assert "定員に達した" in town.finish()[0]
    assert len(town.db.tables["fee_payments"]) == 1 and town.db.tables["cases"] == {}


def test_once_paid_the_resident_reads_the_completion_message_with_their_answers() -> None:
    town = Town()
    town.desk.procedures = ProcedureCatalogue({BULKY.id: attrs.evolve(
        BULKY, completion_message="{answers.what}の収集を受け付けました。")})
    town.finish()
    settle_payment(town.pay(), uow=town.uow(), gateway=town.gateway, clock=town.clock)
    [told] = [t for t in town.told() if "お支払いを確認し" in t]
    assert "たんすの収集を受け付けました。" in told
