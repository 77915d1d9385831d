"""Payment batches (支払バッチ): the disbursements of one program and payout method paid together,
with control totals, two-person approval and a transfer date on a bank business day.

States: draft (作成済み) → approved (承認済み) → exported (振込データ作成済み) → settled (支払完了)
or partly failed (一部不能); a draft or approved batch can be cancelled (取消) before export.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from attrs import define, frozen

from domain.aggregates import Aggregate
from domain.benefits import PayoutMethod
from domain.disbursements import Disbursement, DisbursementStatus
from domain.errors import IllegalTransition, InvalidValue, InvariantViolated
from domain.events import BatchStateChanged
from domain.values import Money

__all__ = [
    "BatchState",
    "ControlTotals",
    "PaymentAuditEntry",
    "PaymentBatch",
]


class BatchState(enum.Enum):
    DRAFT = "draft"
    APPROVED = "approved"
    EXPORTED = "exported"
    SETTLED = "settled"
    PARTLY_FAILED = "partly_failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {
            "draft": "作成済み（未承認）", "approved": "承認済み",
            "exported": "振込データ作成済み", "settled": "支払完了",
            "partly_failed": "一部支払不能", "cancelled": "取消",
        }[self.value]


B = BatchState
_ALLOWED = {
    B.DRAFT: {B.APPROVED, B.CANCELLED},
    B.APPROVED: {B.EXPORTED, B.CANCELLED},
    B.EXPORTED: {B.SETTLED, B.PARTLY_FAILED},
    B.SETTLED: set(),
    B.PARTLY_FAILED: set(),
    B.CANCELLED: set(),
}

MAX_COUNT = 999_999  # 合計件数 N6 of the transfer file's trailer
MAX_TOTAL = 999_999_999_999  # 合計金額 N12


@frozen
class ControlTotals:
    """件数と合計金額: fixed when the batch is made, checked again before every export."""

    count: int
    total: Money

    @classmethod
    def of(cls, amounts: Iterable[Money]) -> ControlTotals:
        count, total = 0, 0
        for amount in amounts:
            count += 1
            total += amount.yen
        return cls(count=count, total=Money(total))


@define(slots=False, eq=False)
class PaymentBatch(Aggregate):
    id: str
    number: int  # 通し番号: written into every record as 顧客コード1, unique in the town
    program_id: str
    method: PayoutMethod
    transfer_date: dt.date  # 振込指定日 (取組日), a bank business day
    count: int
    total: Money
    created_by: str
    created_at: dt.datetime
    state: BatchState = BatchState.DRAFT
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    exported_by: str | None = None
    exported_at: dt.datetime | None = None
    export_digest: str | None = None  # SHA-256 of the first file: a re-export must match it
    originator: dict[str, str] | None = None  # 依頼人, fixed at the first export
    closed_at: dt.datetime | None = None
    cancelled_by: str | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""
    created_party: str = ""  # who is accountable for `created_by` (a staff id, `org:…`)

    @classmethod
    def gather(cls, *, id: str, number: int, program_id: str, method: PayoutMethod,
               transfer_date: dt.date, disbursements: Iterable[Disbursement], by: str,
               party: str, at: dt.datetime) -> PaymentBatch:
        """A draft batch of these pending disbursements (each is moved into it), made by the
        credential `by` for the person or organisation `party`."""
        chosen = list(disbursements)
        if not chosen:
            raise InvalidValue("支払待ちの支払がないため、バッチを作れません。")
        for disbursement in chosen:
            if disbursement.method is not method:
                raise InvariantViolated("支給方法の異なる支払は同じバッチに入れられません。")
        totals = ControlTotals.of(d.amount for d in chosen)
        if totals.count > MAX_COUNT or totals.total.yen > MAX_TOTAL:
            raise InvalidValue("1つのバッチは999,999件・合計9,999億円までです。分けて作成して"
                               "ください。")
        batch = cls(id=id, number=number, program_id=program_id, method=method,
                    transfer_date=transfer_date, count=totals.count, total=totals.total,
                    created_by=by, created_at=at, created_party=party)
        for disbursement in chosen:
            disbursement.assign_to_batch(id)
        batch.record(BatchStateChanged(batch_id=id, state=batch.state.value, actor=by))
        return batch

    @property
    def totals(self) -> ControlTotals:
        return ControlTotals(count=self.count, total=self.total)

    def ensure_totals(self, found: ControlTotals) -> None:
        """The disbursements still add up to what was approved, or nothing leaves."""
        if found != self.totals:
            raise InvariantViolated(
                f"バッチの件数・合計金額が作成時と一致しません（作成時 {self.count}件 "
                f"{self.total.format()}、現在 {found.count}件 {found.total.format()}）。"
            )

    def approve(self, *, by: str, party: str, at: dt.datetime) -> None:
        """The second person: whoever made the batch cannot approve it, with any credential
        (their session or another of their, or their organisation's, API keys)."""
        if party == (self.created_party or self.created_by):  # "": as before ADR 0033
            raise IllegalTransition("バッチを作成した職員は承認できません。別の職員が承認して"
                                    "ください（作成した職員・組織のAPIキーも、作成した人と"
                                    "同じとみなします）。", code="same_person")
        self._move(B.APPROVED, by=by)
        self.approved_by, self.approved_at = by, at

    def mark_exported(self, *, by: str, at: dt.datetime, digest: str,
                      originator: dict[str, str]) -> None:
        self._move(B.EXPORTED, by=by)
        self.exported_by, self.exported_at = by, at
        self.export_digest, self.originator = digest, dict(originator)

    def ensure_same_file(self, digest: str) -> None:
        """A re-export is the same file, byte for byte, or it is refused."""
        if self.state is not B.EXPORTED and self.export_digest is None:
            raise IllegalTransition("このバッチはまだ振込データを作成していません。")
        if digest != self.export_digest:
            raise InvariantViolated("再作成した振込データが最初のものと一致しません。"
                                    "支払データが変更された可能性があります。",
                                    code="export_mismatch")

    def cancel(self, *, by: str, at: dt.datetime, reason: str,
               disbursements: Iterable[Disbursement]) -> None:
        """Only before export: the disbursements go back to pending for another batch."""
        if not reason or not reason.strip():
            raise InvalidValue("取消の理由を入力してください。")
        self._move(B.CANCELLED, by=by)
        self.cancelled_by, self.cancelled_at, self.cancel_reason = by, at, reason.strip()
        for disbursement in disbursements:
            disbursement.leave_batch()

    def close(self, *, at: dt.datetime, statuses: dict[DisbursementStatus, int],
              by: str) -> bool:
        """Settled when every payment is settled, partly failed when some failed and none is
        still waiting for the bank. Returns whether the batch was closed."""
        if self.state is not B.EXPORTED:
            return False
        waiting = statuses.get(DisbursementStatus.EXPORTED, 0)
        if waiting:
            return False
        failed = statuses.get(DisbursementStatus.FAILED, 0)
        self._move(B.PARTLY_FAILED if failed else B.SETTLED, by=by)
        self.closed_at = at
        return True

    def _move(self, to: BatchState, *, by: str) -> None:
        if to not in _ALLOWED[self.state]:
            raise IllegalTransition(
                f"バッチの状態が「{self.state.label}」のため、「{to.label}」にはできません。"
            )
        self.state = to
        self.record(BatchStateChanged(batch_id=self.id, state=to.value, actor=by))


@define(slots=False, eq=False)
class PaymentAuditEntry:
    """Who did what to a batch or a payment, and when. No personal data: ids and codes only."""

    id: str
    at: dt.datetime
    actor: str  # a staff id, `api:<key id>` or `system`
    action: str  # created, approved, exported, re_exported, cancelled, settled, failed, …
    batch_id: str | None = None
    disbursement_id: str | None = None
    detail: str = ""
