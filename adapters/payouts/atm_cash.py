"""Cash by ATM: a local fake of the provider (no public API or file specification exists; see
ADR 0020 for the fields kept open).

The fake issues a 10-digit pickup code per reference, valid for `validity`; `pick_up` is what
a resident at the ATM would cause. With a `path` its state is kept in a JSON file, so the
command line and the web app see the same payouts in development.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import threading
from pathlib import Path
from typing import Any

from application.ports.clock import Clock
from application.ports.payouts import PayoutIssued, PayoutStatus
from domain.errors import IllegalTransition, InvalidValue, NotFound
from domain.values import Money

__all__ = ["FakeAtmCashProvider", "NoCashProvider"]


class FakeAtmCashProvider:
    name = "fake_atm"
    label = "開発用ATM受取"

    def __init__(self, clock: Clock, *, validity: dt.timedelta = dt.timedelta(days=7),
                 path: Path | None = None) -> None:
        self._clock = clock
        self._validity = validity
        self._path = path
        self._lock = threading.Lock()
        self._payouts: dict[str, dict[str, Any]] = {}

    def _load(self) -> None:
        if self._path is not None and self._path.exists():
            self._payouts = json.loads(self._path.read_text())

    def _save(self) -> None:
        if self._path is not None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_text(json.dumps(self._payouts))

    def issue(self, *, reference: str, amount: Money) -> PayoutIssued:
        if amount.yen <= 0 or amount.yen > 500_000:
            raise InvalidValue("ATMで受け取れる金額は1円以上50万円以下です。")
        with self._lock:
            self._load()
            payout = self._payouts.get(reference)
            if payout is None:
                expires = self._clock.now() + self._validity
                payout = {"code": f"{secrets.randbelow(10**10):010d}", "amount": amount.yen,
                          "expires_at": expires.isoformat(), "status": "issued",
                          "provider_reference": f"ATM{len(self._payouts) + 1:08d}"}
                self._payouts[reference] = payout
                self._save()
            elif payout["amount"] != amount.yen:
                raise InvalidValue("同じ番号で異なる金額の受取番号は発行できません。")
        return PayoutIssued(reference=reference, pickup_code=payout["code"],
                            expires_at=dt.datetime.fromisoformat(payout["expires_at"]),
                            provider_reference=payout["provider_reference"])

    def status(self, reference: str) -> PayoutStatus:
        with self._lock:
            self._load()
            payout = self._payouts.get(reference)
        if payout is None:
            raise NotFound("受取番号が見つかりません。")
        status = PayoutStatus(payout["status"])
        if status is PayoutStatus.ISSUED and self._clock.now() >= dt.datetime.fromisoformat(
                payout["expires_at"]):
            return PayoutStatus.EXPIRED
        return status

    def cancel(self, reference: str) -> None:
        """A picked-up payout is refused: the money is gone, and a cancelled code would be
        issued again (paid twice)."""
        self._set(reference, PayoutStatus.CANCELLED)

    def pick_up(self, reference: str, code: str) -> None:
        """What the ATM reports when the resident enters the right code before it expires."""
        with self._lock:
            self._load()
            payout = self._payouts.get(reference)
            if payout is None or payout["code"] != code:
                raise InvalidValue("受取番号が正しくありません。")
        if self.status(reference) is not PayoutStatus.ISSUED:
            raise InvalidValue("この受取番号は使えません（期限切れ・受取済み・取消）。")
        self._set(reference, PayoutStatus.PICKED_UP)

    def _set(self, reference: str, status: PayoutStatus) -> None:
        with self._lock:
            self._load()
            if reference not in self._payouts:
                raise NotFound("受取番号が見つかりません。")
            if self._payouts[reference]["status"] == PayoutStatus.PICKED_UP.value:
                raise IllegalTransition("この受取番号はすでに受け取られています。")
            self._payouts[reference]["status"] = status.value
            self._save()


class NoCashProvider:
    """Production until a town signs with a provider: cash payouts are refused, clearly,
    instead of handing residents codes no ATM knows."""

    name = "none"
    label = "なし"
    _MESSAGE = "ATM現金受取の事業者との接続が設定されていないため、受取番号を発行できません。"

    def issue(self, *, reference: str, amount: Money) -> PayoutIssued:
        raise IllegalTransition(self._MESSAGE)

    def status(self, reference: str) -> PayoutStatus:
        raise IllegalTransition(self._MESSAGE)

    def cancel(self, reference: str) -> None:
        raise IllegalTransition(self._MESSAGE)
