"""Certificate requests (証明書の交付請求) with the fee paid online."""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define, field

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition, InvalidValue
from domain.events import CertificateRequestPaid, CertificateRequestStateChanged
from domain.values import Money

__all__ = [
    "CertificateKind",
    "CertificateRequest",
    "Delivery",
    "IssueState",
    "PaymentState",
]

MAX_COPIES = 10


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


class PaymentState(enum.Enum):
    UNPAID = "unpaid"
    PENDING = "pending"  # a payment was started with the gateway
    PAID = "paid"
    REFUNDED = "refunded"


class IssueState(enum.Enum):
    WAITING = "waiting"  # 交付待ち
    ISSUED = "issued"  # 交付済み (printed)
    MAILED = "mailed"  # 郵送済み
    REJECTED = "rejected"  # 交付不可


@define(slots=False, eq=False)
class CertificateRequest(Aggregate):
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

    def start_payment(self, reference: str) -> None:
        if self.payment_state not in {PaymentState.UNPAID, PaymentState.PENDING}:
            raise IllegalTransition("この請求の手数料はすでに支払われています。")
        if self.issue_state is IssueState.REJECTED:
            raise IllegalTransition("交付できない請求のため、支払はできません。")
        self.payment_state = PaymentState.PENDING
        self.payment_reference = reference

    def payment_lapsed(self) -> None:
        """The payment expired or was cancelled: the request stays unpaid."""
        if self.payment_state is PaymentState.PENDING:
            self.payment_state = PaymentState.UNPAID
            self.payment_reference = None

    def mark_paid(self) -> None:
        if self.payment_state is PaymentState.PAID:
            raise IllegalTransition("この請求の手数料はすでに支払われています。",
                                    code="already_paid")
        if self.payment_state is not PaymentState.PENDING:
            raise IllegalTransition("支払が開始されていない請求です。")
        self.payment_state = PaymentState.PAID
        self.record(CertificateRequestPaid(request_id=self.id))

    def issue(self) -> None:
        self._require_paid()
        self._move_issue(IssueState.ISSUED, allowed_from={IssueState.WAITING})

    def mail(self, tracking_number: str | None = None) -> None:
        self._move_issue(IssueState.MAILED, allowed_from={IssueState.ISSUED})
        self.tracking_number = tracking_number or None

    def reject(self, reason: str) -> bool:
        """Reject the request; returns True when the paid fee must now be refunded."""
        if not reason or not reason.strip():
            raise InvalidValue("交付できない理由を入力してください。")
        if self.payment_state is PaymentState.PENDING:
            raise IllegalTransition(
                "手数料の支払手続き中です。支払の結果が出てから処理してください。",
                code="payment_pending",
            )
        self._move_issue(IssueState.REJECTED, allowed_from={IssueState.WAITING})
        self.rejection_reason = reason.strip()
        return self.payment_state is PaymentState.PAID

    def mark_refunded(self) -> None:
        if self.payment_state is PaymentState.REFUNDED:
            raise IllegalTransition("この請求の手数料はすでに返金されています。",
                                    code="already_refunded")
        if self.payment_state is not PaymentState.PAID:
            raise IllegalTransition("支払われていない手数料は返金できません。")
        self.payment_state = PaymentState.REFUNDED

    def _require_paid(self) -> None:
        if self.payment_state is not PaymentState.PAID:
            raise IllegalTransition("手数料の支払が済んでいない請求は交付できません。")

    def _move_issue(self, to: IssueState, *, allowed_from: set[IssueState]) -> None:
        if self.issue_state not in allowed_from:
            raise IllegalTransition("この請求は現在の状態では処理できません。")
        self.issue_state = to
        self.record(CertificateRequestStateChanged(request_id=self.id, state=to.value))
