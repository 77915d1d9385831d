"""Benefit programs (給付金) and the state machine of a household's application to one."""

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
from domain.errors import IllegalTransition, InvalidValue, InvariantViolated
from domain.events import (
    ApplicationConfirmed,
    ApplicationDecided,
    ApplicationDeclined,
    ApplicationWithdrawn,
    ProgramStatusChanged,
)
from domain.values import AccountType, BankAccount, Money

pytestmark = pytest.mark.unit

UTC = dt.UTC
OPENS = dt.datetime(2025, 4, 1, 0, 0, tzinfo=UTC)
CLOSES = dt.datetime(2025, 7, 1, 0, 0, tzinfo=UTC)
DURING = dt.datetime(2025, 5, 15, 9, 30, tzinfo=UTC)
LATER = dt.datetime(2025, 5, 20, 14, 0, tzinfo=UTC)

S = ApplicationStatus


def a_program(
    *,
    id: str = "program-1",
    name: str = "物価高騰対策給付金",
    yen: int = 70_000,
    methods: tuple[PayoutMethod, ...] = (PayoutMethod.BANK_TRANSFER, PayoutMethod.ATM_CASH),
    status: ProgramStatus = ProgramStatus.OPEN,
    opens_at: dt.datetime = OPENS,
    closes_at: dt.datetime = CLOSES,
) -> BenefitProgram:
    return BenefitProgram(
        id=id,
        name=name,
        amount_per_household=Money(yen),
        eligibility_source="住民税非課税世帯",
        window=ApplicationWindow(opens_at=opens_at, closes_at=closes_at),
        payout_methods=methods,
        status=status,
    )


def an_account() -> BankAccount:
    return BankAccount.of(
        bank_code="0005", branch_code="001", account_type=AccountType.ORDINARY,
        number="1234567", holder="ヤマダ タロウ",
    )


def a_notified_application(program: BenefitProgram, *, id: str = "application-1") -> Application:
    return Application.notify(id=id, program=program, household_id="household-1", at=OPENS)


def confirm(application: Application, program: BenefitProgram, *, at: dt.datetime = DURING,
            method: PayoutMethod = PayoutMethod.BANK_TRANSFER,
            account: BankAccount | None = None) -> None:
    if account is None and method is PayoutMethod.BANK_TRANSFER:
        account = an_account()
    application.confirm(program=program, at=at, payout_method=method, payee_account=account)


# Each public move of an application, by the status it leads to.
MOVES = {
    S.CONFIRMED: lambda app, program: confirm(app, program),
    S.DECLINED: lambda app, program: app.decline(at=DURING),
    S.APPROVED: lambda app, program: app.approve(by="staff-1", at=LATER),
    S.REJECTED: lambda app, program: app.reject(by="staff-1", at=LATER, reason="所得要件外"),
    S.WITHDRAWN: lambda app, program: app.withdraw(),
    S.PAID: lambda app, program: app.mark_paid(),
    S.PAYMENT_FAILED: lambda app, program: app.mark_payment_failed(),
}

# How to reach each status from a fresh notice, through public moves only.
PATHS = {
    S.NOTIFIED: [],
    S.CONFIRMED: [S.CONFIRMED],
    S.DECLINED: [S.DECLINED],
    S.WITHDRAWN: [S.WITHDRAWN],
    S.APPROVED: [S.CONFIRMED, S.APPROVED],
    S.REJECTED: [S.CONFIRMED, S.REJECTED],
    S.PAID: [S.CONFIRMED, S.APPROVED, S.PAID],
    S.PAYMENT_FAILED: [S.CONFIRMED, S.APPROVED, S.PAYMENT_FAILED],
}

# The rules, written out independently of domain/benefits.py.
ALLOWED_MOVES = {
    (S.NOTIFIED, S.CONFIRMED),
    (S.NOTIFIED, S.DECLINED),
    (S.NOTIFIED, S.WITHDRAWN),
    (S.DECLINED, S.CONFIRMED),  # a resident may change their mind while the window is open
    (S.CONFIRMED, S.APPROVED),
    (S.CONFIRMED, S.REJECTED),
    (S.CONFIRMED, S.WITHDRAWN),
    (S.APPROVED, S.PAID),
    (S.APPROVED, S.PAYMENT_FAILED),
    (S.PAYMENT_FAILED, S.PAID),  # re-paid in a new batch
    (S.PAYMENT_FAILED, S.PAYMENT_FAILED),  # or failed again
}


def an_application_in(status: ApplicationStatus, program: BenefitProgram) -> Application:
    application = a_notified_application(program)
    for step in PATHS[status]:
        MOVES[step](application, program)
    application.pull_events()
    assert application.status is status
    return application


# --- BenefitProgram -----------------------------------------------------------------------------


def test_a_new_program_starts_as_a_draft():
    program = BenefitProgram(
        id="program-1", name="子育て応援給付金", amount_per_household=Money(50_000),
        eligibility_source="児童手当受給世帯",
        window=ApplicationWindow(opens_at=OPENS, closes_at=CLOSES),
        payout_methods=[PayoutMethod.BANK_TRANSFER],
    )

    assert program.status is ProgramStatus.DRAFT
    assert program.pull_events() == []


def test_a_program_reads_payout_methods_given_by_their_codes():
    program = a_program(methods=("bank_transfer", "e_money"))

    assert program.payout_methods == frozenset({PayoutMethod.BANK_TRANSFER, PayoutMethod.E_MONEY})


@pytest.mark.parametrize("name", ["", "   "])
def test_a_program_needs_a_name(name):
    with pytest.raises(InvalidValue) as caught:
        a_program(name=name)

    assert "名称を入力してください" in caught.value.message


def test_a_program_name_is_at_most_100_characters():
    a_program(name="給" * 100)

    with pytest.raises(InvalidValue) as caught:
        a_program(name="給" * 101)

    assert "100文字以内" in caught.value.message


def test_a_program_pays_at_least_one_yen_per_household():
    with pytest.raises(InvalidValue) as caught:
        a_program(yen=0)

    assert "1円以上" in caught.value.message


def test_a_program_offers_at_least_one_payout_method():
    with pytest.raises(InvalidValue) as caught:
        a_program(methods=())

    assert "支給方法を1つ以上" in caught.value.message


@pytest.mark.parametrize("closes_at", [OPENS, OPENS - dt.timedelta(days=1)])
def test_an_application_window_must_close_after_it_opens(closes_at):
    with pytest.raises(InvalidValue) as caught:
        ApplicationWindow(opens_at=OPENS, closes_at=closes_at)

    assert "終了は開始より後" in caught.value.message


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (OPENS - dt.timedelta(microseconds=1), False),
        (OPENS, True),
        (DURING, True),
        (CLOSES - dt.timedelta(microseconds=1), True),
        (CLOSES, False),
    ],
)
def test_an_application_window_includes_its_opening_and_excludes_its_closing(moment, inside):
    assert ApplicationWindow(opens_at=OPENS, closes_at=CLOSES).contains(moment) is inside


PROGRAM_MOVES = {
    "open": (BenefitProgram.open, ProgramStatus.OPEN),
    "close": (BenefitProgram.close, ProgramStatus.CLOSED),
    "withdraw": (lambda program: program.withdraw(reason="予算不成立"), ProgramStatus.WITHDRAWN),
}
PROGRAM_ALLOWED = {
    (ProgramStatus.DRAFT, "open"),
    (ProgramStatus.CLOSED, "open"),  # reopened, e.g. the deadline was extended
    (ProgramStatus.OPEN, "close"),
    (ProgramStatus.DRAFT, "withdraw"),
    (ProgramStatus.OPEN, "withdraw"),
    (ProgramStatus.CLOSED, "withdraw"),
}


@pytest.mark.parametrize(
    ("start", "move"), list(itertools.product(ProgramStatus, PROGRAM_MOVES)),
    ids=lambda value: getattr(value, "value", value),
)
def test_a_program_moves_only_along_its_allowed_transitions(start, move):
    program = a_program(status=start)
    method, target = PROGRAM_MOVES[move]

    if (start, move) in PROGRAM_ALLOWED:
        method(program)

        assert program.status is target
        assert program.pull_events() == [
            ProgramStatusChanged(program_id="program-1", status=target.value)
        ]
    else:
        with pytest.raises(IllegalTransition) as caught:
            method(program)

        assert "物価高騰対策給付金" in caught.value.message
        assert program.status is start
        assert program.pull_events() == []


def test_a_program_is_withdrawn_only_with_a_reason():
    program = a_program(status=ProgramStatus.OPEN)

    for blank in ("", "  　"):
        with pytest.raises(InvalidValue, match="取り下げの理由"):
            program.withdraw(reason=blank)

    assert program.status is ProgramStatus.OPEN
    program.withdraw(reason=" 予算不成立 ")
    assert program.withdrawal_reason == "予算不成立"


@pytest.mark.parametrize("status", list(S), ids=lambda s: s.value)
def test_a_withdrawn_program_takes_back_every_application_not_paid_or_rejected(status):
    program = a_program()
    application = an_application_in(status, program)
    program.withdraw(reason="予算不成立")

    changed = application.withdraw_with_program(program)

    kept = {S.PAID, S.REJECTED, S.WITHDRAWN}
    assert changed is (status not in kept)
    assert application.status is (status if status in kept else S.WITHDRAWN)
    assert application.pull_events() == (
        [] if status in kept else [ApplicationWithdrawn(application_id=application.id)])


def test_an_application_is_not_withdrawn_with_a_program_that_is_still_open():
    program = a_program()
    application = a_notified_application(program)

    with pytest.raises(IllegalTransition):
        application.withdraw_with_program(program)
    assert application.status is S.NOTIFIED


def test_a_program_goes_from_draft_through_open_and_closed_to_withdrawn():
    program = a_program(status=ProgramStatus.DRAFT)

    program.open()
    program.close()
    program.withdraw(reason="国の補正予算が成立しなかったため")

    assert program.status is ProgramStatus.WITHDRAWN
    assert [event.status for event in program.pull_events()] == ["open", "closed", "withdrawn"]


# --- Application: notice -----------------------------------------------------------------------


def test_a_notified_application_owes_the_program_amount_and_awaits_an_answer():
    application = a_notified_application(a_program(yen=70_000))

    assert application.status is S.NOTIFIED
    assert application.amount == Money(70_000)
    assert application.notified_at == OPENS
    assert application.payout_method is None
    assert application.pull_events() == []


def test_every_application_status_has_a_japanese_label():
    assert S.CONFIRMED.label == "申請受付済み"
    assert all(status.label for status in S)


# --- Application: the whole state machine ------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target"), list(itertools.product(S, MOVES)),
    ids=lambda status: status.value,
)
def test_an_application_moves_only_along_its_allowed_transitions(start, target):
    program = a_program()
    application = an_application_in(start, program)

    if (start, target) in ALLOWED_MOVES:
        MOVES[target](application, program)

        assert application.status is target
    else:
        with pytest.raises(IllegalTransition):
            MOVES[target](application, program)

        assert application.status is start
        assert application.pull_events() == []


@pytest.mark.parametrize("start", list(S), ids=lambda status: status.value)
def test_no_move_takes_an_application_back_to_notified(start):
    program = a_program()
    for target, move in MOVES.items():
        application = an_application_in(start, program)
        try:
            move(application, program)
        except IllegalTransition:
            continue

        assert application.status is target
        assert application.status is not S.NOTIFIED


def test_a_refused_move_names_the_current_and_the_wanted_status():
    application = an_application_in(S.REJECTED, a_program())

    with pytest.raises(IllegalTransition) as caught:
        application.approve(by="staff-1", at=LATER)

    assert "「不支給決定」" in caught.value.message
    assert "「支給決定」" in caught.value.message


# --- Application: confirmation -----------------------------------------------------------------


def test_confirming_records_the_payout_the_account_and_the_moment():
    program = a_program()
    application = a_notified_application(program)
    account = an_account()

    confirm(application, program, at=DURING, account=account)

    assert application.status is S.CONFIRMED
    assert application.payout_method is PayoutMethod.BANK_TRANSFER
    assert application.payee_account == account
    assert application.confirmed_at == DURING


def test_confirming_for_cash_keeps_no_bank_account():
    program = a_program()
    application = a_notified_application(program)

    confirm(application, program, method=PayoutMethod.ATM_CASH, account=an_account())

    assert application.payout_method is PayoutMethod.ATM_CASH
    assert application.payee_account is None


@pytest.mark.parametrize(
    ("program_kwargs", "at", "code", "fragment"),
    [
        ({"status": ProgramStatus.WITHDRAWN}, DURING, "program_withdrawn", "取り下げられた"),
        ({"status": ProgramStatus.DRAFT}, DURING, "window_not_open", "まだ始まっていません"),
        ({}, OPENS - dt.timedelta(microseconds=1), "window_not_open", "まだ始まっていません"),
        ({"status": ProgramStatus.CLOSED}, DURING, "window_closed", "終了しました"),
        ({}, CLOSES, "window_closed", "終了しました"),
        ({}, CLOSES + dt.timedelta(days=1), "window_closed", "終了しました"),
    ],
    ids=["withdrawn", "draft", "before-window", "closed", "at-closing", "after-window"],
)
def test_confirming_is_refused_when_the_program_is_not_accepting(
    program_kwargs, at, code, fragment
):
    program = a_program(**program_kwargs)
    application = a_notified_application(program)

    with pytest.raises(IllegalTransition) as caught:
        confirm(application, program, at=at)

    assert caught.value.code == code
    assert fragment in caught.value.message
    assert "物価高騰対策給付金" in caught.value.message
    assert application.status is S.NOTIFIED
    assert application.payout_method is None
    assert application.confirmed_at is None
    assert application.pull_events() == []


@pytest.mark.parametrize("at", [OPENS, CLOSES - dt.timedelta(microseconds=1)])
def test_confirming_is_accepted_from_the_opening_moment_to_just_before_the_closing(at):
    program = a_program()
    application = a_notified_application(program)

    confirm(application, program, at=at)

    assert application.status is S.CONFIRMED


def test_confirming_with_a_payout_method_the_program_does_not_offer_is_refused():
    program = a_program(methods=(PayoutMethod.ATM_CASH,))
    application = a_notified_application(program)

    with pytest.raises(InvalidValue) as caught:
        confirm(application, program, method=PayoutMethod.BANK_TRANSFER)

    assert "口座振込で受け取れません" in caught.value.message
    assert application.status is S.NOTIFIED
    assert application.payee_account is None


def test_confirming_a_bank_transfer_without_an_account_is_refused():
    program = a_program()
    application = a_notified_application(program)

    with pytest.raises(InvalidValue) as caught:
        application.confirm(program=program, at=DURING, payout_method=PayoutMethod.BANK_TRANSFER,
                            payee_account=None)

    assert "振込先の口座" in caught.value.message
    assert application.status is S.NOTIFIED
    assert application.pull_events() == []


def test_confirming_against_another_program_is_refused():
    program = a_program(id="program-1")
    application = a_notified_application(program)

    with pytest.raises(InvariantViolated):
        confirm(application, a_program(id="program-2"))

    assert application.status is S.NOTIFIED


def test_a_second_confirmation_is_refused_with_a_clear_message():
    program = a_program()
    application = a_notified_application(program)
    confirm(application, program, at=DURING)
    application.pull_events()

    with pytest.raises(IllegalTransition) as caught:
        confirm(application, program, at=LATER, method=PayoutMethod.ATM_CASH)

    assert caught.value.code == "already_confirmed"
    assert "すでに受け付けています" in caught.value.message
    assert application.confirmed_at == DURING
    assert application.payout_method is PayoutMethod.BANK_TRANSFER
    assert application.pull_events() == []


def test_a_second_confirmation_says_already_confirmed_even_after_the_window_closed():
    program = a_program()
    application = a_notified_application(program)
    confirm(application, program)
    program.close()

    with pytest.raises(IllegalTransition) as caught:
        confirm(application, program, at=CLOSES)

    assert caught.value.code == "already_confirmed"


def test_a_resident_who_declined_may_still_confirm_while_the_window_is_open():
    program = a_program()
    application = a_notified_application(program)
    application.decline(at=DURING)

    confirm(application, program, at=LATER)

    assert application.status is S.CONFIRMED
    assert application.confirmed_at == LATER


def test_a_resident_who_declined_cannot_confirm_after_the_window_closed():
    program = a_program()
    application = a_notified_application(program)
    application.decline(at=DURING)

    with pytest.raises(IllegalTransition) as caught:
        confirm(application, program, at=CLOSES)

    assert caught.value.code == "window_closed"
    assert application.status is S.DECLINED


# --- Application: decision ---------------------------------------------------------------------


def test_approving_records_who_decided_and_when():
    application = an_application_in(S.CONFIRMED, a_program())

    application.approve(by="staff-7", at=LATER, reason="要件を満たす")

    assert application.status is S.APPROVED
    assert (application.decided_by, application.decided_at) == ("staff-7", LATER)
    assert application.decision_reason == "要件を満たす"
    assert application.pull_events() == [
        ApplicationDecided(application_id="application-1", approved=True, reason="要件を満たす")
    ]


@pytest.mark.parametrize("reason", ["", "   "])
def test_rejecting_needs_a_reason(reason):
    application = an_application_in(S.CONFIRMED, a_program())

    with pytest.raises(InvalidValue) as caught:
        application.reject(by="staff-7", at=LATER, reason=reason)

    assert "不支給の理由" in caught.value.message
    assert application.status is S.CONFIRMED
    assert application.decided_by is None
    assert application.pull_events() == []


def test_rejecting_records_the_trimmed_reason_and_a_decision_event():
    application = an_application_in(S.CONFIRMED, a_program())

    application.reject(by="staff-7", at=LATER, reason=" 転出済みのため ")

    assert application.status is S.REJECTED
    assert application.decision_reason == "転出済みのため"
    assert (application.decided_by, application.decided_at) == ("staff-7", LATER)
    [event] = application.pull_events()
    assert isinstance(event, ApplicationDecided)
    assert event.approved is False


# --- Application: paper forms and events -------------------------------------------------------


def test_a_paper_form_becomes_a_confirmed_postal_application():
    program = a_program(yen=70_000)
    account = an_account()

    application = Application.from_paper(
        id="application-9", program=program, household_id="household-9",
        payout_method=PayoutMethod.BANK_TRANSFER, payee_account=account, at=DURING,
    )

    assert application.status is S.CONFIRMED
    assert application.channel == "postal"
    assert application.amount == Money(70_000)
    assert application.payee_account == account
    assert application.confirmed_at == DURING
    assert application.pull_events() == [
        ApplicationConfirmed(application_id="application-9", program_id="program-1",
                             household_id="household-9")
    ]


def test_a_paper_form_arriving_after_the_window_is_refused():
    with pytest.raises(IllegalTransition) as caught:
        Application.from_paper(
            id="application-9", program=a_program(), household_id="household-9",
            payout_method=PayoutMethod.ATM_CASH, payee_account=None, at=CLOSES,
        )

    assert caught.value.code == "window_closed"


def test_events_are_handed_out_once_and_then_the_list_is_empty():
    program = a_program()
    application = a_notified_application(program)
    confirm(application, program)

    assert application.pull_events() == [
        ApplicationConfirmed(application_id="application-1", program_id="program-1",
                             household_id="household-1")
    ]
    assert application.pull_events() == []


def test_declining_and_withdrawing_are_recorded_as_events():
    program = a_program()
    declined = a_notified_application(program, id="application-1")
    withdrawn = a_notified_application(program, id="application-2")

    declined.decline(at=DURING)
    withdrawn.withdraw()

    assert declined.pull_events() == [ApplicationDeclined(application_id="application-1")]
    assert withdrawn.pull_events() == [ApplicationWithdrawn(application_id="application-2")]
