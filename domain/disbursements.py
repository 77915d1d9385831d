"""Disbursement (支払): the money owed to one approved application, and how it is paid."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define

from domain.aggregates import Aggregate
from domain.benefits import Application, ApplicationStatus, PayoutMethod
from domain.errors import IllegalTransition, InvalidValue, InvariantViolated
from domain.events import DisbursementStateChanged
from domain.values import BankAccount, Money

__all__ = ["Disbursement", "DisbursementStatus"]


class DisbursementStatus(enum.Enum):
    PENDING = "pending"  # 支払待ち
    BATCHED = "batched"  # 支払バッチに登録済み
    EXPORTED = "exported"  # 振込データ作成済み / 現金受取番号発行済み
    SETTLED = "settled"  # 支払完了
    FAILED = "failed"  # 支払不能
    CANCELLED = "cancelled"  # 取消

    @property
    def label(self) -> str:
        return {
            "pending": "支払待ち", "batched": "バッチ登録済み", "exported": "振込データ作成済み",
            "settled": "支払完了", "failed": "支払不能", "cancelled": "取消",
        }[self.value]


D = DisbursementStatus
_ALLOWED = {
    D.PENDING: {D.BATCHED, D.CANCELLED},
    D.BATCHED: {D.EXPORTED, D.PENDING, D.CANCELLED},  # leaving a cancelled batch: back to pending
    D.EXPORTED: {D.SETTLED, D.FAILED},
    D.SETTLED: set(),
    D.FAILED: set(),
    D.CANCELLED: set(),
}


@define(slots=False, eq=False)
class Disbursement(Aggregate):
    """At most one live disbursement per application (the database enforces it too). A failed or
    cancelled one stays as it was, with its batch, for the record; the re-payment is a new
    disbursement with the corrected account, in a new batch."""

    id: str
    application_id: str
    amount: Money
    method: PayoutMethod
    payee_account: BankAccount | None = None
    cash_code: str | None = None
    batch_id: str | None = None
    status: DisbursementStatus = DisbursementStatus.PENDING
    failure_reason: str = ""
    created_at: dt.datetime | None = None
    settled_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        if self.amount.yen <= 0:
            raise InvalidValue("支払額は1円以上でなければなりません。")
        if self.method is PayoutMethod.BANK_TRANSFER and self.payee_account is None:
            raise InvariantViolated("口座振込の支払には振込先口座が必要です。")

    @classmethod
    def for_application(cls, *, id: str, application: Application,
                        at: dt.datetime) -> Disbursement:
        if application.status is not ApplicationStatus.APPROVED:
            raise IllegalTransition("支給決定された申請だけが支払の対象になります。")
        if application.payout_method is None or application.amount is None:
            raise InvariantViolated("申請に支給方法または支給額がありません。")
        return cls(id=id, application_id=application.id, amount=application.amount,
                   method=application.payout_method, payee_account=application.payee_account,
                   created_at=at)

    @classmethod
    def repayment(cls, *, id: str, application: Application, payee_account: BankAccount | None,
                  at: dt.datetime) -> Disbursement:
        """A new payment for an application whose payment failed, with the corrected account;
        it goes into a new batch."""
        if application.status is not ApplicationStatus.PAYMENT_FAILED:
            raise IllegalTransition("支払不能になった申請だけが再支払の対象になります。")
        if application.payout_method is None or application.amount is None:
            raise InvariantViolated("申請に支給方法または支給額がありません。")
        return cls(id=id, application_id=application.id, amount=application.amount,
                   method=application.payout_method, payee_account=payee_account,
                   created_at=at)

    def assign_to_batch(self, batch_id: str) -> None:
        self._move(D.BATCHED)
        self.batch_id = batch_id

    def leave_batch(self) -> None:
        self._move(D.PENDING)
        self.batch_id = None

    def mark_exported(self) -> None:
        self._move(D.EXPORTED)

    def settle(self, *, at: dt.datetime) -> None:
        self._move(D.SETTLED)
        self.settled_at = at

    def fail(self, *, reason: str, by: str) -> None:
        """支払不能, reported by `by` (the staff member who imported the bank's result, or the
        system when a cash code was given up)."""
        if not reason or not reason.strip():
            raise InvalidValue("支払不能の理由がありません。")
        self._move(D.FAILED, by=by)
        self.failure_reason = reason.strip()

    def cancel(self) -> None:
        self._move(D.CANCELLED)

    def _move(self, to: DisbursementStatus, *, by: str = "") -> None:
        if to not in _ALLOWED[self.status]:
            raise IllegalTransition(
                f"支払の状態が「{self.status.label}」のため、「{to.label}」にはできません。"
            )
        self.status = to
        self.record(DisbursementStateChanged(disbursement_id=self.id,
                                             application_id=self.application_id,
                                             status=to.value, by=by))
