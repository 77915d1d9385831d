"""Certificate requests through their use cases, on in-memory fakes: the dialog's desk, the
fee payment (double confirmation, expiry, cancellation) and the staff queue (refunds)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from adapters.payments.fake import FakePaymentGateway
from application.certificates.issuing_certificate import (
    HandleCertificateRequest,
    StaffAction,
    handle_certificate_request,
)
from application.certificates.requesting_certificate import CertificateDesk, CertificatePolicy
from application.conversations.state import Conversation
from application.payments.paying import (
    PAYMENT_TTL,
    Payables,
    PaymentLinks,
    SettleOutcome,
    expire_payments,
    settle_payment,
    start_payment,
)
from application.payments.refunding import RefundFailed
from application.ports.payments import PaymentError, RefundOutcome
from domain.certificates import CertificateKind, CertificateRequest, IssueState, PaymentState
from domain.channels import ChannelIdentity
from domain.errors import IllegalTransition
from domain.residents import Verification
from domain.values import Money
from tests import builders
from tests.fakes import FakeClock, FakeDatabase, FakeUnitOfWork, SequentialIds, message_bus_on

pytestmark = pytest.mark.unit

LINKS = PaymentLinks(return_url=lambda ref: f"http://app/return/{ref}",
                     cancel_url=lambda ref: f"http://app/return/{ref}?cancelled=1")


class World:
    def __init__(self, *, verified_at: dt.datetime | None = None) -> None:
        self.clock = FakeClock()
        self.ids = SequentialIds()
        self.db = FakeDatabase(message_bus_on(ids=self.ids, clock=self.clock))
        self.gateway = FakePaymentGateway("http://app/payments/fake")
        parent = builders.resident(id="r1", resident_number="1")
        child = builders.resident(id="r2", resident_number="2", name="山田 花子",
                                  born=dt.date(2015, 5, 5))
        parent.verify(parent.facts, Verification(
            subject="s", provider="dev_card", assurance="high",
            verified_at=verified_at or self.clock.now() - dt.timedelta(days=1)))
        home = builders.household(head_resident_id="r1")
        home.add_member("r2", "子")
        self.identity = ChannelIdentity.first_seen(id="i1", channel="line", address="U1",
                                                   at=self.clock.now())
        self.identity.link("r1")
        with self.uow() as uow:
            uow.residents.add(parent)
            uow.residents.add(child)
            uow.households.add(home)
            uow.channel_identities.add(self.identity)
            uow.commit()

    def uow(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db)

    def request(self, **changes: Any) -> CertificateRequest:
        request = CertificateRequest(
            id="req1", requester_id="r1", subject_id="r1", kind=CertificateKind.RESIDENT_RECORD,
            copies=2, purpose="年金・保険", fee_per_copy=Money(300), postage=Money(110),
            requested_at=self.clock.now(), **changes)
        with self.uow() as uow:
            uow.certificate_requests.add(request)
            uow.commit()
        return request

    def get(self, request_id: str = "req1") -> CertificateRequest:
        with self.uow() as uow:
            return uow.certificate_requests.get(request_id)

    def told(self) -> list[str]:
        return [m["text"] for row in sorted(self.db.tables["outbox"].values(),
                                            key=lambda r: r.id)
                for m in row.payload["messages"]]

    def start(self) -> str:
        return start_payment(Payables.CERTIFICATES, "req1", uow=self.uow(),
                             gateway=self.gateway, clock=self.clock, links=LINKS)

    def settle(self, *, cancelled: bool = False) -> Any:
        reference = self.get().payment_reference
        return settle_payment(str(reference), cancelled=cancelled, uow=self.uow(),
                              gateway=self.gateway, clock=self.clock)

    def pay(self) -> None:
        self.start()
        self.gateway.pay(str(self.get().payment_provider_id))
        self.settle()

    def staff(self, action: StaffAction, **details: Any) -> CertificateRequest:
        return handle_certificate_request(
            HandleCertificateRequest(request_id="req1", actor=builders.actor(), action=action,
                                     **details),
            uow=self.uow(), clock=self.clock, gateway=self.gateway)


# -- the desk: before and after the dialog -------------------------------------------------------

def _desk(**policy: Any) -> CertificateDesk:
    return CertificateDesk(CertificatePolicy(**policy), pay_url=lambda rid: f"http://pay/{rid}")


def _dialog(world: World) -> Conversation:
    """The certificate dialog the answers came from (finished)."""
    return Conversation.begin(id="c1", identity_id=world.identity.id, procedure_id="certificate",
                              first_step="kind", now=world.clock.now(),
                              ttl=dt.timedelta(hours=1))


def test_a_resident_who_never_verified_is_sent_to_verify_first() -> None:
    world = World()
    stranger = ChannelIdentity.first_seen(id="i2", channel="line", address="U2",
                                          at=world.clock.now())
    with world.uow() as uow:
        [message] = _desk().before_start(stranger, uow=uow, now=world.clock.now())
    assert "本人確認が必要" in message.text
    assert [c.label for c in message.choices] == ["本人確認"]


def test_a_verification_older_than_the_town_allows_must_be_done_again() -> None:
    world = World(verified_at=FakeClock().now() - dt.timedelta(days=200))
    with world.uow() as uow:
        [message] = _desk().before_start(world.identity, uow=uow, now=world.clock.now())
        assert _desk(verification_max_age=dt.timedelta(days=365)).before_start(
            world.identity, uow=uow, now=world.clock.now()) is None
    assert "もう一度" in message.text


def test_the_finished_dialog_becomes_an_unpaid_request_with_the_fee_and_a_pay_button() -> None:
    world = World()
    answers = {"kind": "resident_record", "items": "household", "subject": "self",
               "copies": 2, "purpose": "pension"}
    with world.uow() as uow:
        summary, pay = _desk().on_finish(_dialog(world), answers, world.identity, said=(), uow=uow,
                                         ids=world.ids, now=world.clock.now())
        uow.commit()
    [request] = world.db.tables["certificate_requests"].values()
    assert request.items == {"世帯全員", "続柄"} and request.total == Money(710)
    assert request.payment_state is PaymentState.UNPAID and request.purpose == "年金・保険"
    assert "300円 × 2通 = 600円" in summary.text and "合計: 710円" in summary.text
    assert pay.choices[0].url == f"http://pay/{request.id}"


def test_a_household_member_is_found_by_name_and_date_of_birth() -> None:
    world = World()
    answers = {"kind": "income", "subject": "household", "member_name": "山田　花子",
               "member_birthdate": "2015-05-05", "copies": 1, "purpose": "school"}
    with world.uow() as uow:
        _desk().on_finish(_dialog(world), answers, world.identity, said=(), uow=uow, ids=world.ids,
                          now=world.clock.now())
        uow.commit()
    [request] = world.db.tables["certificate_requests"].values()
    assert (request.requester_id, request.subject_id) == ("r1", "r2")


@pytest.mark.parametrize("name, born", [("山田 次郎", "2015-05-05"), ("山田 花子", "2015-05-06")])
def test_someone_not_in_the_household_is_refused_and_nothing_is_created(name: str,
                                                                        born: str) -> None:
    world = World()
    answers = {"kind": "resident_record", "items": "self", "subject": "household",
               "member_name": name, "member_birthdate": born, "copies": 1, "purpose": "other"}
    with world.uow() as uow:
        [message] = _desk().on_finish(_dialog(world), answers, world.identity, said=(), uow=uow,
                                      ids=world.ids, now=world.clock.now())
        uow.commit()
    assert "見つかりませんでした" in message.text
    assert world.db.tables["certificate_requests"] == {}


def test_the_resident_may_withdraw_an_unpaid_request() -> None:
    world = World()
    world.request()
    with world.uow() as uow:
        [message] = _desk().on_postback("cert:withdraw:req1", world.identity, uow=uow,
                                        ids=world.ids, now=world.clock.now())
        uow.commit()
    assert "取りやめました" in message.text
    assert world.get().issue_state is IssueState.WITHDRAWN
    with pytest.raises(IllegalTransition, match="取り下げ"):
        world.start()


# -- paying ---------------------------------------------------------------------------------------

def test_paying_marks_the_request_paid_and_tells_the_resident_once() -> None:
    world = World()
    world.request()
    world.pay()
    again = world.settle()  # the return page reloaded

    request = world.get()
    assert request.payment_state is PaymentState.PAID and request.payment_id
    assert again.outcome is SettleOutcome.ALREADY_PAID
    assert sum("お支払いを確認しました" in text for text in world.told()) == 1


def test_opening_the_pay_link_twice_goes_back_to_the_same_open_payment() -> None:
    world = World()
    world.request()
    assert world.start() == world.start()
    assert world.get().payment_attempts == 1


def test_a_payment_not_yet_made_is_waiting_and_changes_nothing() -> None:
    world = World()
    world.request()
    world.start()
    assert world.settle().outcome is SettleOutcome.WAITING
    assert world.get().payment_state is PaymentState.PENDING and world.told() == []


def test_a_cancelled_payment_leaves_the_request_unpaid_and_the_next_attempt_is_new() -> None:
    world = World()
    world.request()
    first_url = world.start()
    first_reference = world.get().payment_reference

    lapsed = world.settle(cancelled=True)
    second_url = world.start()

    assert lapsed.outcome is SettleOutcome.LAPSED
    assert "取り消されました" in world.told()[-1]
    assert second_url != first_url
    assert world.get().payment_reference != first_reference == "req1-1"


def test_an_expired_payment_is_cancelled_with_the_provider_and_the_resident_told() -> None:
    world = World()
    world.request()
    world.start()
    provider_id = str(world.get().payment_provider_id)
    world.clock.advance(minutes=PAYMENT_TTL.total_seconds() / 60 + 1)

    counts = expire_payments(uow_factory=world.uow, gateway=world.gateway, clock=world.clock)

    assert counts["lapsed"] == 1
    assert world.get().payment_state is PaymentState.UNPAID
    assert "期限が切れました" in world.told()[-1]
    world.gateway.pay(provider_id)  # too late: the provider no longer takes it
    assert world.gateway.find(provider_id).status.lapsed


def test_a_payment_made_just_before_the_expiry_job_is_kept() -> None:
    world = World()
    world.request()
    world.start()
    world.gateway.pay(str(world.get().payment_provider_id))
    world.clock.advance(hours=1)

    counts = expire_payments(uow_factory=world.uow, gateway=world.gateway, clock=world.clock)

    assert counts["paid"] == 1 and world.get().payment_state is PaymentState.PAID


def test_a_fresh_payment_is_left_alone_by_the_expiry_job() -> None:
    world = World()
    world.request()
    world.start()
    counts = expire_payments(uow_factory=world.uow, gateway=world.gateway, clock=world.clock)
    assert sum(counts.values()) == 0 and world.get().payment_state is PaymentState.PENDING


# -- the staff queue ------------------------------------------------------------------------------

def test_issue_then_mail_tells_the_resident_each_time() -> None:
    world = World()
    world.request()
    world.pay()
    world.staff(StaffAction.ISSUE)
    world.staff(StaffAction.MAIL, tracking_number=" 1234 ")

    request = world.get()
    assert request.issue_state is IssueState.MAILED and request.tracking_number == "1234"
    assert "交付しました" in world.told()[-2] and "追跡番号: 1234" in world.told()[-1]


def test_an_unpaid_request_cannot_be_issued_and_mailing_comes_after_issuing() -> None:
    world = World()
    world.request()
    with pytest.raises(IllegalTransition, match="支払"):
        world.staff(StaffAction.ISSUE)
    world.pay()
    with pytest.raises(IllegalTransition):
        world.staff(StaffAction.MAIL)


def test_rejecting_a_paid_request_refunds_the_fee_through_the_gateway() -> None:
    world = World()
    world.request()
    world.pay()
    world.staff(StaffAction.REJECT, reason="記載内容を確認できないため")

    request = world.get()
    assert request.payment_state is PaymentState.REFUNDED
    assert request.refund_reference == "req1-refund"
    assert world.gateway.find(str(request.payment_provider_id)).refunded == Money(710)
    assert "返金" in world.told()[-1] and "記載内容を確認できないため" in world.told()[-1]


class _RefundedElsewhere(FakePaymentGateway):
    """A provider on which the payment had already been refunded (from its console)."""

    def refund(self, **kwargs: Any) -> RefundOutcome:
        return RefundOutcome(amount=Money(0), remaining=Money(0), already_refunded=True)


def test_rejecting_when_the_provider_says_it_was_refunded_already_records_the_refund() -> None:
    world = World()
    world.request()
    world.pay()
    world.gateway.__class__ = _RefundedElsewhere
    world.staff(StaffAction.REJECT, reason="重複した請求のため")
    assert world.get().payment_state is PaymentState.REFUNDED


class _Refusing(FakePaymentGateway):
    def refund(self, **kwargs: Any) -> RefundOutcome:
        raise PaymentError("provider down", retryable=True)


def test_a_refund_the_provider_refuses_records_nothing_not_even_the_rejection() -> None:
    world = World()
    world.request()
    world.pay()
    told = len(world.told())
    world.gateway.__class__ = _Refusing
    with pytest.raises(RefundFailed):
        world.staff(StaffAction.REJECT, reason="記載内容を確認できないため")
    request = world.get()
    assert (request.issue_state, request.payment_state) == (IssueState.WAITING,
                                                            PaymentState.PAID)
    assert len(world.told()) == told


def test_the_queue_lists_paid_requests_the_longest_waiting_first() -> None:
    world = World()
    world.request()
    world.pay()
    with world.uow() as uow:
        late = CertificateRequest(
            id="req0", requester_id="r1", subject_id="r1", kind=CertificateKind.TAXATION,
            copies=1, purpose="x", fee_per_copy=Money(300), postage=Money(110))
        late.start_payment("req0-1", provider="fake", provider_id="p", url="u",
                           at=world.clock.now())
        late.mark_paid(at=world.clock.now() + dt.timedelta(minutes=5))
        uow.certificate_requests.add(late)
        unpaid = CertificateRequest(
            id="req2", requester_id="r1", subject_id="r1", kind=CertificateKind.INCOME,
            copies=1, purpose="x", fee_per_copy=Money(300), postage=Money(110))
        uow.certificate_requests.add(unpaid)
        uow.commit()
    with world.uow() as uow:
        queue = uow.queries.certificates.queue(states=[IssueState.WAITING])
    assert [r.id for r in queue] == ["req1", "req0"]


class _TimesOutOnce(FakePaymentGateway):
    """The provider made the payment but the answer never arrived."""

    failed = False

    def create(self, **kwargs: Any) -> Any:
        made = super().create(**kwargs)
        if not self.failed:
            self.failed = True
            raise PaymentError("timeout", retryable=True)
        return made


def test_an_attempt_lost_to_a_timeout_is_not_reused_and_the_next_one_works() -> None:
    world = World()
    world.request()
    world.gateway.__class__ = _TimesOutOnce
    with pytest.raises(PaymentError):
        world.start()
    world.start()
    assert world.get().payment_reference == "req1-2"
    assert world.get().payment_state is PaymentState.PENDING
