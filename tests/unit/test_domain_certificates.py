"""Certificate requests (証明書の交付請求): the fee, its online payment, issuing and mailing."""

import datetime as dt

import pytest

from domain.certificates import (
    CertificateKind,
    CertificateRequest,
    Delivery,
    IssueState,
    PaymentState,
)
from domain.errors import IllegalTransition, InvalidValue
from domain.events import CertificateRequestPaid, CertificateRequestStateChanged
from domain.values import Money

pytestmark = pytest.mark.unit

REQUESTED_AT = dt.datetime(2025, 5, 15, 9, 30, tzinfo=dt.UTC)


def a_request(
    *,
    copies: object = 2,
    fee_per_copy: int = 300,
    postage: int = 110,
    purpose: str = "年金の手続きのため",
    items: object = (),
) -> CertificateRequest:
    return CertificateRequest(
        id="request-1",
        requester_id="resident-1",
        subject_id="resident-1",
        kind=CertificateKind.RESIDENT_RECORD,
        copies=copies,
        purpose=purpose,
        fee_per_copy=Money(fee_per_copy),
        postage=Money(postage),
        items=items,
        requested_at=REQUESTED_AT,
    )


def a_paid_request() -> CertificateRequest:
    request = a_request()
    request.start_payment("pay-1")
    request.mark_paid()
    request.pull_events()
    return request


def an_issued_request() -> CertificateRequest:
    request = a_paid_request()
    request.issue()
    request.pull_events()
    return request


# --- a new request ------------------------------------------------------------------------------


def test_a_new_request_is_unpaid_waiting_and_sent_by_post():
    request = a_request()

    assert request.payment_state is PaymentState.UNPAID
    assert request.issue_state is IssueState.WAITING
    assert request.delivery is Delivery.POST
    assert request.payment_reference is None
    assert request.tracking_number is None


@pytest.mark.parametrize("copies", [1, 10])
def test_a_request_is_for_one_to_ten_copies(copies):
    assert a_request(copies=copies).copies == copies


@pytest.mark.parametrize("copies", [0, 11, -1])
def test_a_request_outside_one_to_ten_copies_is_refused(copies):
    with pytest.raises(InvalidValue) as caught:
        a_request(copies=copies)

    assert "1〜10通" in caught.value.message


@pytest.mark.parametrize("copies", [2.0, "2", True, None])
def test_a_request_counts_copies_in_whole_numbers_only(copies):
    with pytest.raises(InvalidValue) as caught:
        a_request(copies=copies)

    assert "整数" in caught.value.message


@pytest.mark.parametrize("purpose", ["", "   "])
def test_a_request_needs_a_purpose(purpose):
    with pytest.raises(InvalidValue) as caught:
        a_request(purpose=purpose)

    assert "使用目的" in caught.value.message


def test_the_items_asked_for_are_kept_as_a_set():
    request = a_request(items=["本籍", "続柄", "本籍"])

    assert request.items == frozenset({"本籍", "続柄"})


def test_the_fee_is_the_per_copy_fee_times_the_copies():
    assert a_request(copies=3, fee_per_copy=300).fee == Money(900)


def test_the_total_adds_postage_to_the_fee():
    request = a_request(copies=3, fee_per_copy=300, postage=110)

    assert request.total == Money(1_010)
    assert request.total.format() == "1,010円"


@pytest.mark.parametrize(
    ("kind", "label"),
    [
        (CertificateKind.RESIDENT_RECORD, "住民票の写し"),
        (CertificateKind.SEAL_REGISTRATION, "印鑑登録証明書"),
        (CertificateKind.INCOME, "所得証明書"),
        (CertificateKind.TAXATION, "課税証明書"),
    ],
)
def test_certificate_kinds_have_the_names_residents_know(kind, label):
    assert kind.label == label


# --- payment ------------------------------------------------------------------------------------


def test_starting_a_payment_makes_it_pending_with_the_gateway_reference():
    request = a_request()

    request.start_payment("pay-1")

    assert request.payment_state is PaymentState.PENDING
    assert request.payment_reference == "pay-1"


def test_a_pending_payment_may_be_started_again_with_a_new_reference():
    request = a_request()
    request.start_payment("pay-1")

    request.start_payment("pay-2")

    assert request.payment_state is PaymentState.PENDING
    assert request.payment_reference == "pay-2"


def test_a_completed_payment_marks_the_request_paid_and_records_it():
    request = a_request()
    request.start_payment("pay-1")

    request.mark_paid()

    assert request.payment_state is PaymentState.PAID
    assert request.payment_reference == "pay-1"
    assert request.pull_events() == [CertificateRequestPaid(request_id="request-1")]


def test_a_second_payment_confirmation_is_refused_as_already_paid():
    request = a_paid_request()

    with pytest.raises(IllegalTransition) as caught:
        request.mark_paid()

    assert caught.value.code == "already_paid"
    assert "すでに支払われています" in caught.value.message
    assert request.payment_state is PaymentState.PAID
    assert request.pull_events() == []


def test_a_payment_that_was_never_started_cannot_complete():
    request = a_request()

    with pytest.raises(IllegalTransition) as caught:
        request.mark_paid()

    assert "支払が開始されていない" in caught.value.message
    assert request.payment_state is PaymentState.UNPAID


def test_a_paid_request_cannot_start_another_payment():
    request = a_paid_request()

    with pytest.raises(IllegalTransition) as caught:
        request.start_payment("pay-2")

    assert "すでに支払われています" in caught.value.message
    assert request.payment_reference == "pay-1"


def test_a_lapsed_payment_leaves_the_request_unpaid_and_forgets_the_reference():
    request = a_request()
    request.start_payment("pay-1")

    request.payment_lapsed()

    assert request.payment_state is PaymentState.UNPAID
    assert request.payment_reference is None


def test_a_lapsed_notice_after_the_payment_completed_changes_nothing():
    request = a_paid_request()

    request.payment_lapsed()

    assert request.payment_state is PaymentState.PAID
    assert request.payment_reference == "pay-1"


def test_a_request_whose_payment_lapsed_can_be_paid_again():
    request = a_request()
    request.start_payment("pay-1")
    request.payment_lapsed()

    request.start_payment("pay-2")
    request.mark_paid()

    assert request.payment_state is PaymentState.PAID
    assert request.payment_reference == "pay-2"


def test_a_rejected_request_cannot_be_paid():
    request = a_request()
    request.reject("本人確認ができないため")

    with pytest.raises(IllegalTransition) as caught:
        request.start_payment("pay-1")

    assert "交付できない請求" in caught.value.message
    assert request.payment_state is PaymentState.UNPAID


# --- issuing and mailing ------------------------------------------------------------------------


@pytest.mark.parametrize("pending", [False, True], ids=["unpaid", "payment-pending"])
def test_a_request_is_not_issued_before_its_fee_is_paid(pending):
    request = a_request()
    if pending:
        request.start_payment("pay-1")

    with pytest.raises(IllegalTransition) as caught:
        request.issue()

    assert "支払が済んでいない" in caught.value.message
    assert request.issue_state is IssueState.WAITING
    assert request.pull_events() == []


def test_a_paid_request_is_issued():
    request = a_paid_request()

    request.issue()

    assert request.issue_state is IssueState.ISSUED
    assert request.pull_events() == [
        CertificateRequestStateChanged(request_id="request-1", state="issued")
    ]


def test_a_certificate_is_issued_only_once():
    request = an_issued_request()

    with pytest.raises(IllegalTransition):
        request.issue()

    assert request.issue_state is IssueState.ISSUED


def test_an_issued_certificate_is_mailed_with_its_tracking_number():
    request = an_issued_request()

    request.mail("1234-5678-9012")

    assert request.issue_state is IssueState.MAILED
    assert request.tracking_number == "1234-5678-9012"
    assert request.pull_events() == [
        CertificateRequestStateChanged(request_id="request-1", state="mailed")
    ]


@pytest.mark.parametrize("tracking", [None, ""])
def test_a_certificate_mailed_without_tracking_has_no_tracking_number(tracking):
    request = an_issued_request()

    request.mail(tracking)

    assert request.issue_state is IssueState.MAILED
    assert request.tracking_number is None


def test_a_certificate_is_not_mailed_before_it_is_issued():
    request = a_paid_request()

    with pytest.raises(IllegalTransition) as caught:
        request.mail("1234-5678-9012")

    assert "現在の状態では処理できません" in caught.value.message
    assert request.issue_state is IssueState.WAITING
    assert request.tracking_number is None


# --- rejection and refunds ----------------------------------------------------------------------


def test_rejecting_an_unpaid_request_owes_no_refund():
    request = a_request()

    refund_due = request.reject(" 請求者と対象者が別世帯のため ")

    assert refund_due is False
    assert request.issue_state is IssueState.REJECTED
    assert request.rejection_reason == "請求者と対象者が別世帯のため"
    assert request.pull_events() == [
        CertificateRequestStateChanged(request_id="request-1", state="rejected")
    ]


def test_rejecting_a_paid_request_says_a_refund_is_due():
    request = a_paid_request()

    assert request.reject("対象者が転出済みのため") is True
    assert request.payment_state is PaymentState.PAID


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_needs_a_reason(reason):
    request = a_request()

    with pytest.raises(InvalidValue) as caught:
        request.reject(reason)

    assert "交付できない理由" in caught.value.message
    assert request.issue_state is IssueState.WAITING


def test_an_issued_certificate_cannot_be_rejected():
    request = an_issued_request()

    with pytest.raises(IllegalTransition):
        request.reject("誤って交付したため")

    assert request.issue_state is IssueState.ISSUED
    assert request.rejection_reason == ""


def test_a_refund_marks_the_fee_refunded():
    request = a_paid_request()
    request.reject("対象者が転出済みのため")

    request.mark_refunded()

    assert request.payment_state is PaymentState.REFUNDED


def test_a_second_refund_is_refused():
    request = a_paid_request()
    request.reject("対象者が転出済みのため")
    request.mark_refunded()

    with pytest.raises(IllegalTransition) as caught:
        request.mark_refunded()

    assert caught.value.code == "already_refunded"
    assert "すでに返金されています" in caught.value.message
    assert request.payment_state is PaymentState.REFUNDED


@pytest.mark.parametrize("pending", [False, True], ids=["unpaid", "payment-pending"])
def test_a_fee_that_was_not_paid_cannot_be_refunded(pending):
    request = a_request()
    if pending:
        request.start_payment("pay-1")

    with pytest.raises(IllegalTransition) as caught:
        request.mark_refunded()

    assert "支払われていない手数料" in caught.value.message
    assert request.payment_state is not PaymentState.REFUNDED


def test_a_refunded_request_cannot_be_issued():
    request = a_paid_request()
    request.reject("対象者が転出済みのため")
    request.mark_refunded()

    with pytest.raises(IllegalTransition):
        request.issue()


def test_a_request_is_not_rejected_while_its_payment_is_pending():
    request = a_request()
    request.start_payment("pay-1")

    with pytest.raises(IllegalTransition) as refused:
        request.reject("本人確認ができません")

    assert refused.value.code == "payment_pending"
    assert request.issue_state is IssueState.WAITING
