"""The payment batch on its own: states, control totals, the two-person rule."""

from __future__ import annotations

import datetime as dt

import pytest

from domain.batches import BatchState, ControlTotals, PaymentBatch
from domain.benefits import PayoutMethod
from domain.cash_payouts import CashPayout, CashPayoutState
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import IllegalTransition, InvalidValue, InvariantViolated
from domain.values import Money
from tests import builders as b

pytestmark = pytest.mark.unit

AT = dt.datetime(2026, 6, 2, tzinfo=dt.UTC)


def _payment(n: int, method: PayoutMethod = PayoutMethod.BANK_TRANSFER) -> Disbursement:
    return Disbursement(id=f"d{n}", application_id=f"a{n}", amount=Money(1000 * n),
                        method=method,
                        payee_account=b.account() if method is PayoutMethod.BANK_TRANSFER
                        else None)


def _batch(*payments: Disbursement) -> PaymentBatch:
    return PaymentBatch.gather(id="b1", number=7, program_id="p1",
                               method=PayoutMethod.BANK_TRANSFER,
                               transfer_date=dt.date(2026, 6, 3),
                               disbursements=payments or (_payment(1), _payment(2)),
                               by="maker", party="maker", at=AT)


def test_gathering_fixes_the_control_totals_and_moves_the_payments_in() -> None:
    payments = [_payment(1), _payment(2), _payment(3)]
    batch = _batch(*payments)
    assert batch.totals == ControlTotals(count=3, total=Money(6000))
    assert {(p.status, p.batch_id) for p in payments} == {(DisbursementStatus.BATCHED, "b1")}


def test_a_batch_takes_one_payout_method_and_is_never_empty() -> None:
    with pytest.raises(InvariantViolated):
        _batch(_payment(1), _payment(2, PayoutMethod.ATM_CASH))
    with pytest.raises(InvalidValue):
        PaymentBatch.gather(id="b1", number=1, program_id="p1",
                            method=PayoutMethod.BANK_TRANSFER,
                            transfer_date=dt.date(2026, 6, 3), disbursements=[], by="m",
                            party="m", at=AT)


def test_totals_that_no_longer_match_are_refused() -> None:
    batch = _batch()
    with pytest.raises(InvariantViolated):
        batch.ensure_totals(ControlTotals(count=2, total=Money(3001)))


def test_the_maker_cannot_approve_and_approval_happens_once() -> None:
    batch = _batch()
    with pytest.raises(IllegalTransition):
        batch.approve(by="maker", party="maker", at=AT)
    batch.approve(by="checker", party="checker", at=AT)
    with pytest.raises(IllegalTransition):
        batch.approve(by="someone", party="someone", at=AT)
    assert (batch.state, batch.approved_by, batch.approved_at) == (BatchState.APPROVED,
                                                                  "checker", AT)


def test_the_maker_is_a_party_whichever_credential_it_uses() -> None:
    batch = PaymentBatch.gather(id="b1", number=7, program_id="p1",
                                method=PayoutMethod.BANK_TRANSFER,
                                transfer_date=dt.date(2026, 6, 3), disbursements=[_payment(1)],
                                by="api:k1", party="org:abc商事", at=AT)

    with pytest.raises(IllegalTransition) as refused:  # another key of the same organisation
        batch.approve(by="api:k2", party="org:abc商事", at=AT)
    batch.approve(by="api:k3", party="s-kato", at=AT)

    assert refused.value.code == "same_person"
    assert (batch.created_by, batch.created_party, batch.approved_by) == (
        "api:k1", "org:abc商事", "api:k3")


def test_a_batch_without_a_recorded_party_falls_back_to_its_maker_s_credential() -> None:
    batch = _batch()
    batch.created_party = ""  # never made so; the rule is still at least the credential's

    with pytest.raises(IllegalTransition):
        batch.approve(by="x", party="maker", at=AT)


def test_cancelling_needs_a_reason_and_is_only_possible_before_export() -> None:
    payments = [_payment(1)]
    batch = _batch(*payments)
    with pytest.raises(InvalidValue):
        batch.cancel(by="x", at=AT, reason=" ", disbursements=payments)
    batch.approve(by="checker", party="checker", at=AT)
    batch.mark_exported(by="x", at=AT, digest="abc", originator={})
    with pytest.raises(IllegalTransition):
        batch.cancel(by="x", at=AT, reason="r", disbursements=payments)


def test_a_re_export_must_be_the_same_file() -> None:
    batch = _batch()
    batch.approve(by="checker", party="checker", at=AT)
    batch.mark_exported(by="x", at=AT, digest="abc", originator={"code": "1"})
    batch.ensure_same_file("abc")
    with pytest.raises(InvariantViolated):
        batch.ensure_same_file("abd")


@pytest.mark.parametrize(("statuses", "state"), [
    ({DisbursementStatus.SETTLED: 2}, BatchState.SETTLED),
    ({DisbursementStatus.SETTLED: 1, DisbursementStatus.FAILED: 1}, BatchState.PARTLY_FAILED),
    ({DisbursementStatus.SETTLED: 1, DisbursementStatus.EXPORTED: 1}, BatchState.EXPORTED),
])
def test_a_batch_closes_when_no_payment_waits_for_the_bank(statuses, state) -> None:  # type: ignore[no-untyped-def]
    batch = _batch()
    batch.approve(by="checker", party="checker", at=AT)
    batch.mark_exported(by="x", at=AT, digest="abc", originator={})
    batch.close(at=AT, statuses=statuses, by="x")
    assert batch.state is state


def test_a_pickup_code_expires_and_is_reissued_at_most_three_times() -> None:
    payout = CashPayout(id="c1", disbursement_id="d1", provider="fake", reference="d1-1",
                        pickup_code="1", issued_at=AT, expires_at=AT + dt.timedelta(days=7))
    assert not payout.is_overdue(AT) and payout.is_overdue(AT + dt.timedelta(days=7))
    payout.expire()
    assert payout.may_reissue
    last = CashPayout(id="c3", disbursement_id="d1", provider="fake", reference="d1-3",
                      pickup_code="3", issued_at=AT, expires_at=AT, attempt=3)
    last.expire()
    assert not last.may_reissue
    with pytest.raises(IllegalTransition):
        last.pick_up(at=AT)
    assert last.state is CashPayoutState.EXPIRED
