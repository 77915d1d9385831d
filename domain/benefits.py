"""Benefit programs (給付金) and the applications households make to them."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define, field, frozen

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue, InvariantViolated
from domain.events import (
    ApplicationConfirmed,
    ApplicationDecided,
    ApplicationDeclined,
    ApplicationWithdrawn,
    ProgramStatusChanged,
)
from domain.values import BankAccount, Money

__all__ = [
    "CHANNEL_LABELS",
    "MAX_AMOUNT_PER_HOUSEHOLD",
    "Application",
    "ApplicationStatus",
    "ApplicationWindow",
    "BenefitProgram",
    "PayoutMethod",
    "ProgramStatus",
]


class PayoutMethod(enum.Enum):
    BANK_TRANSFER = "bank_transfer"  # 口座振込
    ATM_CASH = "atm_cash"  # ATM 現金受取
    E_MONEY = "e_money"  # 電子マネー

    @property
    def label(self) -> str:
        return {"bank_transfer": "口座振込", "atm_cash": "ATM現金受取", "e_money": "電子マネー"}[
            self.value
        ]


class ProgramStatus(enum.Enum):
    DRAFT = "draft"  # 準備中
    OPEN = "open"  # 受付中
    CLOSED = "closed"  # 受付終了
    WITHDRAWN = "withdrawn"  # 取り下げ (the program was cancelled)


@frozen
class ApplicationWindow:
    """申請期間: applications are accepted from `opens_at` up to, not including, `closes_at`."""

    opens_at: dt.datetime
    closes_at: dt.datetime

    def __attrs_post_init__(self) -> None:
        if self.closes_at <= self.opens_at:
            raise InvalidValue("申請期間の終了は開始より後にしてください。")

    def contains(self, moment: dt.datetime) -> bool:
        return self.opens_at <= moment < self.closes_at

    def __composite_values__(self) -> tuple[dt.datetime, dt.datetime]:
        """The window as two columns (how a mapper stores a multi-column value)."""
        return self.opens_at, self.closes_at


def _methods(value: object) -> frozenset[PayoutMethod]:
    return frozenset(PayoutMethod(m) if not isinstance(m, PayoutMethod) else m for m in value)


# What a town pays a household at most (a 振込金額 of the transfer file may carry 10 digits;
# no town benefit comes near 10 million yen).
MAX_AMOUNT_PER_HOUSEHOLD = 10_000_000


@define(slots=False, eq=False)
class BenefitProgram(Aggregate):
    id: str
    name: str
    amount_per_household: Money
    eligibility_source: str  # where the eligible list comes from, e.g. 住民税非課税世帯
    window: ApplicationWindow
    payout_methods: frozenset[PayoutMethod] = field(converter=_methods)
    status: ProgramStatus = ProgramStatus.DRAFT
    notice_text: str = ""
    decision_text: str = ""
    rejection_text: str = ""
    withdrawal_reason: str = ""  # why it was withdrawn (told to the households)

    def __attrs_post_init__(self) -> None:
        if not self.name or not self.name.strip():
            raise InvalidValue("給付金の名称を入力してください。")
        if len(self.name) > 100:
            raise InvalidValue("給付金の名称は100文字以内で入力してください。")
        if self.amount_per_household.yen <= 0:
            raise InvalidValue("1世帯あたりの支給額は1円以上にしてください。")
        if self.amount_per_household.yen > MAX_AMOUNT_PER_HOUSEHOLD:
            raise InvalidValue(f"1世帯あたりの支給額は{MAX_AMOUNT_PER_HOUSEHOLD:,}円以下に"
                               "してください。")
        if not self.payout_methods:
            raise InvalidValue("支給方法を1つ以上選んでください。")

    def open(self) -> None:
        self._move(ProgramStatus.OPEN, allowed_from={ProgramStatus.DRAFT, ProgramStatus.CLOSED})

    def close(self) -> None:
        self._move(ProgramStatus.CLOSED, allowed_from={ProgramStatus.OPEN})

    def withdraw(self, *, reason: str) -> None:
        """取り下げ, with a reason the households are told (`withdraw_with_program`)."""
        if not reason or not reason.strip():
            raise InvalidValue("取り下げの理由を入力してください。")
        if len(reason.strip()) > 500:
            raise InvalidValue("取り下げの理由は500文字以内にしてください。")
        self._move(ProgramStatus.WITHDRAWN,
                   allowed_from={ProgramStatus.DRAFT, ProgramStatus.OPEN, ProgramStatus.CLOSED})
        self.withdrawal_reason = reason.strip()

    def _move(self, to: ProgramStatus, *, allowed_from: set[ProgramStatus]) -> None:
        if self.status not in allowed_from:
            raise IllegalTransition(
                f"給付金「{self.name}」は{_PROGRAM_LABEL[self.status]}のため、"
                f"{_PROGRAM_LABEL[to]}にできません。"
            )
        self.status = to
        self.record(ProgramStatusChanged(program_id=self.id, status=to.value))

    def ensure_accepting(self, now: dt.datetime) -> None:
        """Raise a message a resident can read when an application cannot be accepted now."""
        if self.status is ProgramStatus.WITHDRAWN:
            raise IllegalTransition(f"「{self.name}」は取り下げられたため、申請できません。",
                                    code="program_withdrawn")
        if self.status is ProgramStatus.DRAFT or now < self.window.opens_at:
            raise IllegalTransition(f"「{self.name}」の申請受付はまだ始まっていません。",
                                    code="window_not_open")
        if self.status is ProgramStatus.CLOSED or now >= self.window.closes_at:
            raise IllegalTransition(f"「{self.name}」の申請期間は終了しました。",
                                    code="window_closed")


_PROGRAM_LABEL = {
    ProgramStatus.DRAFT: "準備中",
    ProgramStatus.OPEN: "受付中",
    ProgramStatus.CLOSED: "受付終了",
    ProgramStatus.WITHDRAWN: "取り下げ",
}


class ApplicationStatus(enum.Enum):
    NOTIFIED = "notified"  # 通知済み
    CONFIRMED = "confirmed"  # 申請受付
    DECLINED = "declined"  # 辞退
    APPROVED = "approved"  # 支給決定
    REJECTED = "rejected"  # 不支給決定
    PAID = "paid"  # 支払済み
    PAYMENT_FAILED = "payment_failed"  # 振込不能
    WITHDRAWN = "withdrawn"  # 取り下げ

    @property
    def label(self) -> str:
        return _APPLICATION_LABEL[self]


_APPLICATION_LABEL = {
    ApplicationStatus.NOTIFIED: "通知済み（未回答）",
    ApplicationStatus.CONFIRMED: "申請受付済み",
    ApplicationStatus.DECLINED: "辞退",
    ApplicationStatus.APPROVED: "支給決定",
    ApplicationStatus.REJECTED: "不支給決定",
    ApplicationStatus.PAID: "支払済み",
    ApplicationStatus.PAYMENT_FAILED: "振込不能",
    ApplicationStatus.WITHDRAWN: "取り下げ",
}

S = ApplicationStatus
_ALLOWED: dict[ApplicationStatus, set[ApplicationStatus]] = {
    S.NOTIFIED: {S.CONFIRMED, S.DECLINED, S.WITHDRAWN},
    S.DECLINED: {S.CONFIRMED},  # a resident may change their mind while the window is open
    S.CONFIRMED: {S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.APPROVED: {S.PAID, S.PAYMENT_FAILED},
    S.PAYMENT_FAILED: {S.PAID, S.PAYMENT_FAILED},  # re-paid in a new batch, or failed again
    S.REJECTED: set(),
    S.PAID: set(),
    S.WITHDRAWN: set(),
}

# A program's withdrawal also takes back what was decided but not paid (the use case checks
# first that no payment batch holds a payment of it); paid and rejected ones stay as they are.
_WITHDRAWN_WITH_PROGRAM = {S.NOTIFIED, S.DECLINED, S.CONFIRMED, S.APPROVED, S.PAYMENT_FAILED}


@define(slots=False, eq=False)
class Application(Aggregate):
    """One per household per program (the database enforces it too)."""

    id: str
    program_id: str
    household_id: str
    status: ApplicationStatus = ApplicationStatus.NOTIFIED
    channel: str = "line"  # where its notice went (line, sms, email), or postal, counter
    payout_method: PayoutMethod | None = None
    payee_account: BankAccount | None = None
    amount: Money | None = None
    notified_at: dt.datetime | None = None
    confirmed_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None
    decided_by: str | None = None
    decision_reason: str = ""
    offered_account: BankAccount | None = None  # the account on file the notice showed (masked)
    notice_message_id: str | None = None  # the outbox message that carried the notice
    account_conversation_id: str | None = None  # the 別の口座 dialog, while it runs
    passbook_photo: str | None = None  # a reference to the photo the resident sent
    account_checked_by: str | None = None  # staff who compared the photo with the account
    account_checked_at: dt.datetime | None = None
    entered_by: str | None = None  # staff who entered a paper form
    account_entered_by: str | None = None  # staff who typed a corrected account
    account_entered_party: str | None = None  # who is accountable for it (Actor.party)

    @classmethod
    def notify(cls, *, id: str, program: BenefitProgram, household_id: str,
               at: dt.datetime, channel: str = "line",
               offered_account: BankAccount | None = None,
               notice_message_id: str | None = None) -> Application:
        return cls(id=id, program_id=program.id, household_id=household_id,
                   channel=channel, amount=program.amount_per_household, notified_at=at,
                   offered_account=offered_account, notice_message_id=notice_message_id)

    @classmethod
    def from_paper(cls, *, id: str, program: BenefitProgram, household_id: str,
                   payout_method: PayoutMethod, payee_account: BankAccount | None,
                   at: dt.datetime, entered_by: str | None = None) -> Application:
        """A paper form entered by staff (the postal path): it arrives already confirmed."""
        application = cls(id=id, program_id=program.id, household_id=household_id,
                          channel="postal", amount=program.amount_per_household)
        application.confirm_on_paper(program=program, at=at, payout_method=payout_method,
                                     payee_account=payee_account, entered_by=entered_by)
        return application

    @property
    def awaits_account_check(self) -> bool:
        """A new account came with a passbook photo, or was typed by staff, and nobody has
        checked it yet."""
        return ((self.passbook_photo is not None or self.account_entered_by is not None)
                and self.account_checked_at is None)

    def confirm_on_paper(self, *, program: BenefitProgram, at: dt.datetime,
                         payout_method: PayoutMethod, payee_account: BankAccount | None,
                         entered_by: str | None) -> None:
        """A paper form: for a household notified on LINE that had not answered, the same
        application is confirmed (one per household, whichever way it applied)."""
        if self.status is ApplicationStatus.CONFIRMED:
            raise IllegalTransition(
                f"この世帯は{CHANNEL_LABELS.get(self.channel, self.channel)}で申請済みです"
                "（1世帯1回）。", code="already_confirmed")
        self._ensure_can_move(ApplicationStatus.CONFIRMED)
        self.channel = "postal"
        self.entered_by = entered_by
        self.account_conversation_id = None
        self.confirm(program=program, at=at, payout_method=payout_method,
                     payee_account=payee_account)

    def start_account_dialog(self, conversation_id: str) -> None:
        """別の口座にする: the resident is entering another account in a dialog."""
        if self.status is ApplicationStatus.CONFIRMED:
            raise IllegalTransition("この給付金の申請はすでに受け付けています。",
                                    code="already_confirmed")
        self._ensure_can_move(ApplicationStatus.CONFIRMED)
        self.account_conversation_id = conversation_id

    def leave_account_dialog(self, conversation_id: str) -> None:
        """The account dialog `conversation_id` ended without an account (cancelled, or its
        answers refused): the resident may start it again from the notice."""
        if self.account_conversation_id == conversation_id:
            self.account_conversation_id = None

    def confirm(self, *, program: BenefitProgram, at: dt.datetime, payout_method: PayoutMethod,
                payee_account: BankAccount | None, passbook_photo: str | None = None) -> None:
        if program.id != self.program_id:
            raise InvariantViolated("申請と給付金が一致しません。")
        if self.status is ApplicationStatus.CONFIRMED:
            raise IllegalTransition("この給付金の申請はすでに受け付けています。",
                                    code="already_confirmed")
        self._ensure_can_move(ApplicationStatus.CONFIRMED)
        program.ensure_accepting(at)
        if payout_method not in program.payout_methods:
            raise InvalidValue(f"この給付金は{payout_method.label}で受け取れません。")
        if payout_method is PayoutMethod.BANK_TRANSFER and payee_account is None:
            raise InvalidValue("口座振込には振込先の口座が必要です。")
        self.payout_method = payout_method
        self.payee_account = payee_account if payout_method is PayoutMethod.BANK_TRANSFER else None
        self.passbook_photo = passbook_photo if self.payee_account is not None else None
        self.account_conversation_id = None
        self.status = ApplicationStatus.CONFIRMED
        self.confirmed_at = at
        self.record(ApplicationConfirmed(application_id=self.id, program_id=self.program_id,
                                         household_id=self.household_id))

    def decline(self, *, at: dt.datetime) -> None:
        self._move(ApplicationStatus.DECLINED)
        self.record(ApplicationDeclined(application_id=self.id))

    def start_account_correction(self, conversation_id: str) -> None:
        """The transfer failed (振込不能): the resident enters a corrected account in a dialog."""
        if self.status is not ApplicationStatus.PAYMENT_FAILED:
            raise IllegalTransition(f"申請の状態が「{self.status.label}」のため、口座を登録し直す"
                                    "必要はありません。", code="illegal_state")
        self.account_conversation_id = conversation_id

    def correct_account(self, *, account: BankAccount, passbook_photo: str | None) -> None:
        """A corrected account after a failed transfer; staff compare its photo before the
        re-payment (a new disbursement in a new batch)."""
        if self.status is not ApplicationStatus.PAYMENT_FAILED:
            raise IllegalTransition(f"申請の状態が「{self.status.label}」のため、口座を登録し直す"
                                    "必要はありません。", code="illegal_state")
        self.payout_method = PayoutMethod.BANK_TRANSFER
        self.payee_account, self.passbook_photo = account, passbook_photo
        self.account_checked_by = self.account_checked_at = None
        self.account_conversation_id = self.account_entered_by = self.account_entered_party = None

    def enter_corrected_account(self, *, account: BankAccount, by: str, party: str) -> None:
        """Staff typed a corrected account after a failed transfer (from a form or the phone):
        it waits for another staff member to check it against the passbook or the resident's
        identity, like an account the resident sent (a typo must not go straight to a bank)."""
        if self.status is not ApplicationStatus.PAYMENT_FAILED:
            raise IllegalTransition(f"申請の状態が「{self.status.label}」のため、口座を登録し直す"
                                    "必要はありません。", code="illegal_state")
        self.payout_method = PayoutMethod.BANK_TRANSFER
        self.payee_account, self.account_entered_by, self.account_entered_party = account, by, party
        self.account_checked_by = self.account_checked_at = None
        self.account_conversation_id = None

    def check_account(self, *, by: str, party: str, at: dt.datetime) -> None:
        """A passbook photo compared, or a typed account checked by another party (person)."""
        if self.passbook_photo is None and self.account_entered_by is None:
            raise IllegalTransition("この申請には確認する通帳の写真がありません。",
                                    code="no_passbook_photo")
        if self.account_entered_by is not None and party == self.account_entered_party:
            raise IllegalTransition("口座を入力した職員とは別の職員が確認してください（入力した職員"
                                    "・組織のAPIキーも同じ人とみなします）。", code="same_staff")
        if self.status not in (ApplicationStatus.CONFIRMED, ApplicationStatus.PAYMENT_FAILED):
            raise IllegalTransition(f"申請の状態が「{self.status.label}」のため、口座を確認"
                                    "できません。")
        self.account_checked_by, self.account_checked_at = by, at

    def approve(self, *, by: str, at: dt.datetime, reason: str = "") -> None:
        if self.status is ApplicationStatus.CONFIRMED and self.awaits_account_check:
            raise IllegalTransition("通帳の写真で口座を確認してから支給決定してください。",
                                    code="account_not_checked")
        self._move(ApplicationStatus.APPROVED)
        self.decided_at, self.decided_by, self.decision_reason = at, by, reason
        self.record(ApplicationDecided(application_id=self.id, approved=True, reason=reason))

    def reject(self, *, by: str, at: dt.datetime, reason: str) -> None:
        if not reason or not reason.strip():
            raise InvalidValue("不支給の理由を入力してください。")
        self._move(ApplicationStatus.REJECTED)
        self.decided_at, self.decided_by, self.decision_reason = at, by, reason.strip()
        self.record(ApplicationDecided(application_id=self.id, approved=False,
                                       reason=self.decision_reason))

    def withdraw(self) -> None:
        self._move(ApplicationStatus.WITHDRAWN)
        self.record(ApplicationWithdrawn(application_id=self.id))

    def withdraw_with_program(self, program: BenefitProgram) -> bool:
        """Withdrawn with its program unless paid, rejected or withdrawn (False: as it was)."""
        if program.id != self.program_id:
            raise InvariantViolated("申請と給付金が一致しません。")
        if program.status is not ProgramStatus.WITHDRAWN:
            raise IllegalTransition("給付金が取り下げられていません。")
        if self.status not in _WITHDRAWN_WITH_PROGRAM:
            return False
        self.status = ApplicationStatus.WITHDRAWN
        self.account_conversation_id = None
        self.record(ApplicationWithdrawn(application_id=self.id))
        return True

    def mark_paid(self) -> None:
        self._move(ApplicationStatus.PAID)

    def mark_payment_failed(self) -> None:
        self._move(ApplicationStatus.PAYMENT_FAILED)

    def _ensure_can_move(self, to: ApplicationStatus) -> None:
        if to not in _ALLOWED[self.status]:
            raise IllegalTransition(
                f"申請の状態が「{self.status.label}」のため、「{to.label}」にはできません。",
                code="illegal_state",
            )

    def _move(self, to: ApplicationStatus) -> None:
        self._ensure_can_move(to)
        self.status = to


CHANNEL_LABELS = dict(line="LINE", sms="SMS", email="メール", postal="郵送", counter="窓口")
