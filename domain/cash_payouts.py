"""Cash by ATM (ATM現金受取): a pickup code for one disbursement, valid until it expires.

An expired code is replaced by a new one (a new attempt, a new provider reference); after
`MAX_ATTEMPTS` codes the payment is put back to staff as failed.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import define

from domain.aggregates import Aggregate
from domain.errors import IllegalTransition
from domain.events import CashCodeIssued

__all__ = ["MAX_ATTEMPTS", "CashPayout", "CashPayoutState"]

MAX_ATTEMPTS = 3


class CashPayoutState(enum.Enum):
    ISSUED = "issued"  # 受取番号発行済み
    PICKED_UP = "picked_up"  # 受取済み
    EXPIRED = "expired"  # 期限切れ
    CANCELLED = "cancelled"  # 取消

    @property
    def label(self) -> str:
        return {"issued": "受取番号発行済み", "picked_up": "受取済み", "expired": "期限切れ",
                "cancelled": "取消"}[self.value]


@define(slots=False, eq=False)
class CashPayout(Aggregate):
    """At most one issued code per disbursement (the database enforces it too)."""

    id: str
    disbursement_id: str
    provider: str
    reference: str  # sent to the provider as the idempotency key: `<disbursement id>-<attempt>`
    pickup_code: str  # secret until picked up: stored encrypted, never logged
    issued_at: dt.datetime
    expires_at: dt.datetime
    attempt: int = 1
    state: CashPayoutState = CashPayoutState.ISSUED
    picked_up_at: dt.datetime | None = None

    @classmethod
    def issue(cls, *, id: str, disbursement_id: str, provider: str, attempt: int,
              pickup_code: str, issued_at: dt.datetime, expires_at: dt.datetime) -> CashPayout:
        """A code the provider issued for this disbursement (its `attempt`-th)."""
        payout = cls(id=id, disbursement_id=disbursement_id, provider=provider,
                     reference=cls.reference_for(disbursement_id, attempt),
                     pickup_code=pickup_code, issued_at=issued_at, expires_at=expires_at,
                     attempt=attempt)
        payout.record(CashCodeIssued(payout_id=id, disbursement_id=disbursement_id))
        return payout

    @staticmethod
    def reference_for(disbursement_id: str, attempt: int) -> str:
        return f"{disbursement_id}-{attempt}"

    def is_overdue(self, now: dt.datetime) -> bool:
        return self.state is CashPayoutState.ISSUED and now >= self.expires_at

    def pick_up(self, *, at: dt.datetime) -> None:
        self._from_issued(CashPayoutState.PICKED_UP)
        self.picked_up_at = at

    def expire(self) -> None:
        self._from_issued(CashPayoutState.EXPIRED)

    def cancel(self) -> None:
        self._from_issued(CashPayoutState.CANCELLED)

    @property
    def may_reissue(self) -> bool:
        return self.state is CashPayoutState.EXPIRED and self.attempt < MAX_ATTEMPTS

    def _from_issued(self, to: CashPayoutState) -> None:
        if self.state is not CashPayoutState.ISSUED:
            raise IllegalTransition(f"受取番号は「{self.state.label}」のため、「{to.label}」に"
                                    "できません。")
        self.state = to
