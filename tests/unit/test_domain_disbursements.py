"""Disbursement (支払): what is owed to one approved application, and how it is paid."""

import datetime as dt
import itertools

import pytest

from domain.benefits import (
    Application,
    ApplicationStatus,
    ApplicationWindow,
    BenefitProgram,
    PayoutMethod,
    ProgramStatus,
)
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import IllegalTransition, InvalidValue, InvariantViolated
from domain.events import DisbursementStateChanged
from domain.values import AccountType, BankAccount, Money

pytestmark = pytest.mark.unit

UTC = dt.UTC
OPENS = dt.datetime(2025, 4, 1, tzinfo=UTC)
CLOSES = dt.datetime(2025, 7, 1, tzinfo=UTC)
CONFIRMED_AT = dt.datetime(2025, 5, 15, 9, 30, tzinfo=UTC)
APPROVED_AT = dt.datetime(2025, 5, 20, 14, 0, tzinfo=UTC)
CREATED_AT = dt.datetime(2025, 5, 21, 8, 0, tzinfo=UTC)
SETTLED_AT = dt.datetime(2025, 6, 10, 15, 0, tzinfo=UTC)

D = DisbursementStatus


def an_account() -> BankAccount:
    return BankAccount.of(
        bank_code="0005", branch_code="001", account_type=AccountType.ORDINARY,
        number="1234567", holder="ヤマダ タロウ",
    )


def an_approved_application(*, method: PayoutMethod = PayoutMethod.BANK_TRANSFER) -> Application:
    program = BenefitProgram(
        id="program-1", name="物価高騰対策給付金", amount_per_household=Money(70_000),
        eligibility_source="住民税非課税世帯",
        window=ApplicationWindow(opens_at=OPENS, closes_at=CLOSES),
        payout_methods=list(PayoutMethod), status=ProgramStatus.OPEN,
    )
    application = Application.notify(id="application-1", program=program,
                                     household_id="household-1", at=OPENS)
    application.confirm(
        program=program, at=CONFIRMED_AT, payout_method=method,
        payee_account=an_account() if method is PayoutMethod.BANK_TRANSFER else None,
    )
    application.approve(by="staff-1", at=APPROVED_AT)
    return application


def a_disbursement(*, method: PayoutMethod = PayoutMethod.BANK_TRANSFER) -> Disbursement:
    return Disbursement.for_application(
        id="disbursement-1", application=an_approved_application(method=method), at=CREATED_AT
    )


MOVES = {
    "assign_to_batch": (lambda d: d.assign_to_batch("batch-1"), D.BATCHED),
    "leave_batch": (lambda d: d.leave_batch(), D.PENDING),
    "mark_exported": (lambda d: d.mark_exported(), D.EXPORTED),
    "settle": (lambda d: d.settle(at=SETTLED_AT), D.SETTLED),
    "fail": (lambda d: d.fail(reason="口座解約済み", by="s1"), D.FAILED),
    "cancel": (lambda d: d.cancel(), D.CANCELLED),
}
PATHS = {
    D.PENDING: [],
    D.BATCHED: ["assign_to_batch"],
    D.EXPORTED: ["assign_to_batch", "mark_exported"],
    D.SETTLED: ["assign_to_batch", "mark_exported", "settle"],
    D.FAILED: ["assign_to_batch", "mark_exported", "fail"],
    D.CANCELLED: ["cancel"],
}
ALLOWED_MOVES = {
    (D.PENDING, "assign_to_batch"),
    (D.PENDING, "cancel"),
    (D.BATCHED, "mark_exported"),
    (D.BATCHED, "leave_batch"),  # the batch was cancelled: back to pending
    (D.BATCHED, "cancel"),
    (D.EXPORTED, "settle"),
    (D.EXPORTED, "fail"),
}


def a_disbursement_in(status: DisbursementStatus) -> Disbursement:
    disbursement = a_disbursement()
    for step in PATHS[status]:
        MOVES[step][0](disbursement)
    disbursement.pull_events()
    assert disbursement.status is status
    return disbursement


# --- creation -----------------------------------------------------------------------------------


def test_an_approved_application_owes_a_pending_disbursement_of_its_amount():
    application = an_approved_application()

    disbursement = Disbursement.for_application(id="disbursement-1", application=application,
                                                at=CREATED_AT)

    assert disbursement.status is D.PENDING
    assert disbursement.application_id == "application-1"
    assert disbursement.amount == Money(70_000)
    assert disbursement.method is PayoutMethod.BANK_TRANSFER
    assert disbursement.payee_account == application.payee_account
    assert disbursement.created_at == CREATED_AT
    assert disbursement.batch_id is None


def test_a_cash_disbursement_carries_no_bank_account():
    disbursement = a_disbursement(method=PayoutMethod.ATM_CASH)

    assert disbursement.method is PayoutMethod.ATM_CASH
    assert disbursement.payee_account is None


@pytest.mark.parametrize(
    "status", [s for s in ApplicationStatus if s is not ApplicationStatus.APPROVED],
    ids=lambda status: status.value,
)
def test_only_an_approved_application_can_be_paid(status):
    application = Application(
        id="application-1", program_id="program-1", household_id="household-1", status=status,
        payout_method=PayoutMethod.ATM_CASH, amount=Money(70_000),
    )

    with pytest.raises(IllegalTransition) as caught:
        Disbursement.for_application(id="disbursement-1", application=application, at=CREATED_AT)

    assert "支給決定された申請だけ" in caught.value.message


def test_an_approved_application_without_a_payout_method_cannot_be_paid():
    application = Application(
        id="application-1", program_id="program-1", household_id="household-1",
        status=ApplicationStatus.APPROVED, payout_method=None, amount=Money(70_000),
    )

    with pytest.raises(InvariantViolated):
        Disbursement.for_application(id="disbursement-1", application=application, at=CREATED_AT)


def test_a_bank_transfer_disbursement_needs_a_payee_account():
    with pytest.raises(InvariantViolated) as caught:
        Disbursement(id="disbursement-1", application_id="application-1", amount=Money(70_000),
                     method=PayoutMethod.BANK_TRANSFER, payee_account=None)

    assert "振込先口座" in caught.value.message


def test_a_disbursement_pays_at_least_one_yen():
    with pytest.raises(InvalidValue) as caught:
        Disbursement(id="disbursement-1", application_id="application-1", amount=Money(0),
                     method=PayoutMethod.ATM_CASH)

    assert "1円以上" in caught.value.message


# --- the state machine --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "move"), list(itertools.product(D, MOVES)),
    ids=lambda value: getattr(value, "value", value),
)
def test_a_disbursement_moves_only_along_its_allowed_transitions(start, move):
    disbursement = a_disbursement_in(start)
    perform, target = MOVES[move]

    if (start, move) in ALLOWED_MOVES:
        perform(disbursement)

        assert disbursement.status is target
        assert disbursement.pull_events() == [
            DisbursementStateChanged(disbursement_id="disbursement-1",
                                     application_id="application-1", status=target.value,
                                     by="s1" if move == "fail" else "")  # who reported it
        ]
    else:
        with pytest.raises(IllegalTransition) as caught:
            perform(disbursement)

        assert f"「{start.label}」" in caught.value.message
        assert disbursement.status is start
        assert disbursement.pull_events() == []


def test_a_bank_transfer_goes_from_pending_through_a_batch_and_a_file_to_settled():
    disbursement = a_disbursement()

    disbursement.assign_to_batch("batch-7")
    assert disbursement.batch_id == "batch-7"
    disbursement.mark_exported()
    disbursement.settle(at=SETTLED_AT)

    assert disbursement.status is D.SETTLED
    assert disbursement.settled_at == SETTLED_AT
    assert disbursement.batch_id == "batch-7"
    assert [event.status for event in disbursement.pull_events()] == [
        "batched", "exported", "settled"
    ]


def test_leaving_a_batch_returns_to_pending_and_forgets_the_batch():
    disbursement = a_disbursement_in(D.BATCHED)

    disbursement.leave_batch()

    assert disbursement.status is D.PENDING
    assert disbursement.batch_id is None


def test_a_disbursement_that_left_a_batch_can_join_another():
    disbursement = a_disbursement_in(D.BATCHED)
    disbursement.leave_batch()

    disbursement.assign_to_batch("batch-2")

    assert disbursement.status is D.BATCHED
    assert disbursement.batch_id == "batch-2"


def test_a_refused_batch_assignment_keeps_the_current_batch():
    disbursement = a_disbursement_in(D.EXPORTED)

    with pytest.raises(IllegalTransition):
        disbursement.assign_to_batch("batch-2")

    assert disbursement.batch_id == "batch-1"


def test_a_failed_payment_records_why():
    disbursement = a_disbursement_in(D.EXPORTED)

    disbursement.fail(reason="口座解約済み", by="s1")

    assert disbursement.status is D.FAILED
    assert disbursement.failure_reason == "口座解約済み"
    assert disbursement.settled_at is None


def test_a_failed_payment_needs_a_reason():
    disbursement = a_disbursement_in(D.EXPORTED)

    with pytest.raises(InvalidValue) as caught:
        disbursement.fail(reason="", by="s1")

    assert "支払不能の理由" in caught.value.message
    assert disbursement.status is D.EXPORTED
    assert disbursement.pull_events() == []


def test_a_failed_payment_reason_of_only_spaces_is_refused():
    disbursement = a_disbursement_in(D.EXPORTED)

    with pytest.raises(InvalidValue):
        disbursement.fail(reason="   ", by="s1")


def test_every_disbursement_status_has_a_japanese_label():
    assert D.SETTLED.label == "支払完了"
    assert all(status.label for status in D)
