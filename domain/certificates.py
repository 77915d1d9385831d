"""Certificate requests (証明書の交付請求) with the fee paid online."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define, field

from domain.errors import IllegalTransition, InvalidValue
from domain.events import (
    CertificatePaymentLapsed,
    CertificateRequestPaid,
    CertificateRequestStateChanged,
)
from domain.payments import FeePayable, PaymentState
from domain.values import Money

__all__ = [
    "CertificateKind",
    "CertificateRequest",
    "Delivery",
    "IssueState",
    "PaymentState",
]

MAX_COPIES = 10
MAX_TRACKING = 64
MAX_REASON = 500


class CertificateKind(enum.Enum):
    RESIDENT_RECORD = "resident_record"  # 住民票の写し
    SEAL_REGISTRATION = "seal_registration"  # 印鑑登録証明書
    INCOME = "income"  # 所得証明書
    TAXATION = "taxation"  # 課税証明書

    @property
    def label(self) -> str:
        return {
            "resident_record": "住民票の写し",
            "seal_registration": "印鑑登録証明書",
            "income": "所得証明書",
            "taxation": "課税証明書",
        }[self.value]


class Delivery(enum.Enum):
    POST = "post"  # 登録住所へ郵送


class IssueState(enum.Enum):
    WAITING = "waiting"  # 交付待ち
    ISSUED = "issued"  # 交付済み (printed)
    MAILED = "mailed"  # 郵送済み
    REJECTED = "rejected"  # 交付不可
    WITHDRAWN = "withdrawn"  # 取り下げ: the resident stopped before paying

    @property
    def label(self) -> str:
        return {"waiting": "交付待ち", "issued": "交付済み", "mailed": "郵送済み",
                "rejected": "交付不可", "withdrawn": "取り下げ"}[self.value]


@define(slots=False, eq=False)
class CertificateRequest(FeePayable):
    id: str
    requester_id: str  # the verified resident asking
    subject_id: str  # whose certificate (the requester or a member of the same household)
    kind: CertificateKind
    copies: int
    purpose: str
    fee_per_copy: Money
    postage: Money
    items: frozenset[str] = field(factory=frozenset, converter=frozenset)  # 本籍, 続柄, …
    delivery: Delivery = Delivery.POST
    payment_state: PaymentState = PaymentState.UNPAID
    payment_reference: str | None = None
    issue_state: IssueState = IssueState.WAITING
    tracking_number: str | None = None
    rejection_reason: str = ""
    requested_at: dt.datetime | None = None
    # The current payment attempt with the gateway (each attempt has its own reference).
    payment_provider: str | None = None
    payment_provider_id: str | None = None  # the provider's id of the attempt (code, transaction)
    payment_url: str | None = None  # where the payer goes for the current attempt
    payment_id: str | None = None  # the provider's id of the completed payment
    payment_attempts: int = 0
    payment_started_at: dt.datetime | None = None
    paid_at: dt.datetime | None = None
    refund_reference: str | None = None
    refunded_at: dt.datetime | None = None
    issued_at: dt.datetime | None = None
    mailed_at: dt.datetime | None = None
    issued_by: str | None = None  # the staff member (or API key) who last moved it

    def __attrs_post_init__(self) -> None:
        if isinstance(self.copies, bool) or not isinstance(self.copies, int):
            raise InvalidValue("通数は整数で指定してください。")
        if not 1 <= self.copies <= MAX_COPIES:
            raise InvalidValue(f"通数は1〜{MAX_COPIES}通で指定してください。")
        if not self.purpose or not self.purpose.strip():
            raise InvalidValue("使用目的を入力してください。")

    @property
    def fee(self) -> Money:
        return self.fee_per_copy.times(self.copies)

    @property
    def total(self) -> Money:
        return self.fee + self.postage

    @property
    def amount_due(self) -> Money:
        return self.total

    @property
    def payment_description(self) -> str:
        return f"{self.kind.label} {self.copies}通 手数料・郵送料"

    def ensure_payable(self) -> None:
        if self.issue_state is IssueState.REJECTED:
            raise IllegalTransition("交付できない請求のため、支払はできません。")
        if self.issue_state is IssueState.WITHDRAWN:
            raise IllegalTransition("取り下げられた請求のため、支払はできません。",
                                    code="withdrawn")
        if self.issue_state is not IssueState.WAITING:
            raise IllegalTransition(f"この請求は「{self.issue_state.label}」のため、"
                                    "支払はできません。", code="not_payable")

    def paid_event(self) -> CertificateRequestPaid:
        return CertificateRequestPaid(request_id=self.id)

    def lapsed_event(self, cancelled: bool) -> CertificatePaymentLapsed:
        return CertificatePaymentLapsed(request_id=self.id, cancelled=cancelled)

    def withdraw(self) -> None:
        """The resident stops before paying (取り下げ)."""
        if self.payment_state is not PaymentState.UNPAID:
            raise IllegalTransition("支払の手続き中か支払済みのため、取り下げられません。",
                                    code="not_withdrawable")
        self._move_issue(IssueState.WITHDRAWN, allowed_from={IssueState.WAITING})

    def issue(self, *, by: str | None = None, at: dt.datetime | None = None) -> None:
        self._require_paid()
        self._move_issue(IssueState.ISSUED, allowed_from={IssueState.WAITING})
        self.issued_at, self.issued_by = at, by or self.issued_by

    def mail(self, tracking_number: str | None = None, *, by: str | None = None,
             at: dt.datetime | None = None) -> None:
        tracking = (tracking_number or "").strip() or None
        if tracking is not None and (len(tracking) > MAX_TRACKING or not tracking.isprintable()):
            raise InvalidValue(f"追跡番号は{MAX_TRACKING}文字以内で入力してください。")
        self._move_issue(IssueState.MAILED, allowed_from={IssueState.ISSUED})
        self.tracking_number = tracking
        self.mailed_at, self.issued_by = at, by or self.issued_by

    def reject(self, reason: str, *, by: str | None = None,
               at: dt.datetime | None = None) -> bool:
        """Reject the request; returns True when the paid fee must now be refunded."""
        if not reason or not reason.strip():
            raise InvalidValue("交付できない理由を入力してください。")
        if len(reason.strip()) > MAX_REASON:
            raise InvalidValue(f"理由は{MAX_REASON}文字以内で入力してください。")
        if self.payment_state is PaymentState.PENDING:
            raise IllegalTransition(
                "手数料の支払手続き中です。支払の結果が出てから処理してください。",
                code="payment_pending",
            )
        self._move_issue(IssueState.REJECTED, allowed_from={IssueState.WAITING})
        self.rejection_reason = reason.strip()
        self.issued_at, self.issued_by = at, by or self.issued_by
        return self.payment_state is PaymentState.PAID

    def _require_paid(self) -> None:
        if self.payment_state is not PaymentState.PAID:
            raise IllegalTransition("手数料の支払が済んでいない請求は交付できません。")

    def _move_issue(self, to: IssueState, *, allowed_from: set[IssueState]) -> None:
        if self.issue_state not in allowed_from:
            raise IllegalTransition("この請求は現在の状態では処理できません。")
        self.issue_state = to
        self.record(CertificateRequestStateChanged(request_id=self.id, state=to.value))
