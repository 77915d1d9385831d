"""Paying a fee: start a payment with the gateway (or go back to the open one), and settle it
when the payer returns or when it has waited too long. The outcome is always read from the
provider; the payer's return only says which payment to look at.

What takes a fee is a `FeePayable` (domain/payments.py): a certificate request (ADR 0015) or a
procedure's fee (ADR 0053), each kept by its repository (`Payables`). Each attempt has its own
reference (`<id>-<n>`), sent as the provider's idempotency key. An expired or cancelled attempt
leaves the fee unpaid, and the resident is told with a button to try again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable
from typing import Any

from attrs import frozen

from application.ports.clock import Clock
from application.ports.payments import (
    PaymentError,
    PaymentGateway,
    PaymentOutcome,
    PaymentStatus,
)
from application.ports.unit_of_work import ConcurrentUpdate, DuplicateError, UnitOfWork
from domain.errors import IllegalTransition, NotFound
from domain.payments import FeePayable, PaymentState

__all__ = [
    "PAYMENT_TTL",
    "Payables",
    "PaymentLinks",
    "SettleOutcome",
    "Settled",
    "expire_payments",
    "settle_payment",
    "start_payment",
]

_ATTEMPTS = 3  # a concurrent change or a 受付番号 taken at once: read again, up to this
PAYMENT_TTL = dt.timedelta(minutes=30)  # an attempt not paid by then is cancelled


class Payables(enum.Enum):
    """What takes a fee, by the unit of work's repository that keeps it (each has `get`,
    `get_by_payment_reference` and `pending_payments`)."""

    CERTIFICATES = "certificate_requests"
    FEES = "fee_payments"

    def of(self, uow: UnitOfWork) -> Any:
        return getattr(uow, self.value)


@frozen
class PaymentLinks:
    """Where the provider sends the payer back."""

    return_url: Callable[[str], str]  # payment reference → our return page
    cancel_url: Callable[[str], str]


class SettleOutcome(enum.Enum):
    PAID = "paid"
    ALREADY_PAID = "already_paid"
    WAITING = "waiting"  # the provider has not seen the payment yet
    LAPSED = "lapsed"  # expired or cancelled: the request is unpaid


@frozen
class Settled:
    outcome: SettleOutcome
    payable_id: str
    total: str
    kind: Payables = Payables.CERTIFICATES


def start_payment(kind: Payables, payable_id: str, *, uow: UnitOfWork, gateway: PaymentGateway,
                  clock: Clock, links: PaymentLinks) -> str:
    """The URL the payer goes to: the open attempt's, or a new attempt's."""
    now = clock.now()
    with uow:
        request = kind.of(uow).get(payable_id)
        if request is None:
            raise NotFound("請求が見つかりません。お支払いの期限が過ぎた可能性があります。",
                           code="payable_not_found")
        if request.payment_state in {PaymentState.PAID, PaymentState.REFUNDED}:
            raise IllegalTransition("この手数料はすでに支払われています。",
                                    code="already_paid")
        request.ensure_payable()
        if _open_attempt(request, gateway, now) and request.payment_url:
            return request.payment_url
        if request.payment_state is PaymentState.PENDING:  # stale, or another provider's
            _close_attempt(request, gateway)
        reference = request.next_payment_reference()
        try:
            started = gateway.create(
                reference=reference, amount=request.amount_due,
                description=request.payment_description,
                return_url=links.return_url(reference), cancel_url=links.cancel_url(reference))
        except PaymentError:
            # The provider may have made it (a timeout) and refuses the reference from now on:
            # the next attempt takes a new one. Nobody has this one's URL, so it is never paid.
            request.skip_payment_reference()
            uow.commit()
            raise
        request.start_payment(reference, provider=gateway.name, provider_id=started.provider_id,
                              url=started.url, at=now)
        uow.commit()
    return started.url


def settle_payment(reference: str, *, cancelled: bool = False, uow: UnitOfWork,
                   gateway: PaymentGateway, clock: Clock) -> Settled:
    """The payer came back (`cancelled` when through the provider's cancel link): ask the
    provider what happened and record it. Coming back twice changes nothing the second time;
    coming back twice at the same moment (two tabs, a double reload), the one that loses the
    race reads the request again and answers what the winner recorded. A paid fee opens its
    case in the same transaction: a 受付番号 taken at the same moment by another case is
    taken again on the retry."""
    for attempt in range(_ATTEMPTS):
        try:
            return _settle_once(reference, cancelled=cancelled, uow=uow, gateway=gateway,
                                clock=clock)
        except (ConcurrentUpdate, DuplicateError):
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("not reached")


def _settle_once(reference: str, *, cancelled: bool, uow: UnitOfWork, gateway: PaymentGateway,
                 clock: Clock) -> Settled:
    now = clock.now()
    with uow:
        kind, request = _by_reference(uow, reference)
        if request is None:
            raise NotFound("この支払の手続きは、すでに終わっているか無効です。町からの"
                           "お知らせで請求の状況をご確認ください。", code="payment_not_found")
        if request.payment_state is not PaymentState.PENDING:
            return _settled(SettleOutcome.ALREADY_PAID, request, kind)
        if request.payment_provider != gateway.name:
            raise IllegalTransition("この支払は現在の決済サービスでは確認できません。",
                                    code="other_provider")
        outcome = _read(request, gateway)
        if outcome.status is PaymentStatus.CREATED and cancelled:
            gateway.cancel(reference=reference, provider_id=str(request.payment_provider_id))
            outcome = _read(request, gateway)  # paid at the last moment after all?
            if outcome.status is PaymentStatus.CREATED:
                outcome = PaymentOutcome(PaymentStatus.CANCELLED)
        result = _apply(request, outcome, now=now, kind=kind)
        uow.commit()
    return result


def expire_payments(*, uow_factory: Callable[[], UnitOfWork], gateway: PaymentGateway,
                    clock: Clock, ttl: dt.timedelta = PAYMENT_TTL,
                    limit: int = 200) -> dict[str, int]:
    """For a scheduled job: attempts older than `ttl` (of every kind of fee) are read once
    more, then cancelled with the provider and left unpaid (the resident is told). Returns
    counts by outcome."""
    now = clock.now()
    with uow_factory() as uow:
        stale = [(kind, r.id) for kind in Payables for r in kind.of(uow).pending_payments(
            started_before=now - ttl, limit=limit)]
    counts = {outcome.value: 0 for outcome in SettleOutcome}
    for kind, payable_id in stale:
        for attempt in range(_ATTEMPTS):  # a 受付番号 taken at the same moment: read again
            try:
                outcome = _expire_one(kind, payable_id, uow=uow_factory(), gateway=gateway,
                                      now=now)
            except (ConcurrentUpdate, DuplicateError):
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            if outcome is not None:
                counts[outcome.value] += 1
            break
    return counts


def _expire_one(kind: Payables, payable_id: str, *, uow: UnitOfWork, gateway: PaymentGateway,
                now: dt.datetime) -> SettleOutcome | None:
    with uow:
        request = kind.of(uow).get(payable_id)
        if request is None or request.payment_state is not PaymentState.PENDING \
                or request.payment_provider != gateway.name:
            return None
        outcome = _read(request, gateway)
        if outcome.status is PaymentStatus.CREATED:
            gateway.cancel(reference=str(request.payment_reference),
                           provider_id=str(request.payment_provider_id))
            outcome = _read(request, gateway)
            if outcome.status is not PaymentStatus.COMPLETED:  # we cancelled it: expired
                outcome = PaymentOutcome(PaymentStatus.EXPIRED)
        result = _apply(request, outcome, now=now, kind=kind)
        uow.commit()
        return result.outcome


# -- helpers --------------------------------------------------------------------------------------

def _by_reference(uow: UnitOfWork, reference: str) -> tuple[Payables, FeePayable | None]:
    for kind in Payables:
        found = kind.of(uow).get_by_payment_reference(reference)
        if found is not None:
            return kind, found
    return Payables.CERTIFICATES, None


def _open_attempt(request: FeePayable, gateway: PaymentGateway,
                  now: dt.datetime) -> bool:
    return (request.payment_state is PaymentState.PENDING
            and request.payment_provider == gateway.name
            and request.payment_started_at is not None
            and now - request.payment_started_at < PAYMENT_TTL)


def _close_attempt(request: FeePayable, gateway: PaymentGateway) -> None:
    """Before a new attempt: the old one must not be payable any more (never paid twice)."""
    if request.payment_provider == gateway.name and request.payment_provider_id:
        outcome = _read(request, gateway)
        if outcome.status is PaymentStatus.COMPLETED:
            raise IllegalTransition("前回のお支払いが完了しています。町からの"
                                    "お知らせをご確認ください。", code="already_paid")
        gateway.cancel(reference=str(request.payment_reference),
                       provider_id=request.payment_provider_id)
    request.payment_lapsed()


def _read(request: FeePayable, gateway: PaymentGateway) -> PaymentOutcome:
    return gateway.settle(reference=str(request.payment_reference),
                          provider_id=str(request.payment_provider_id),
                          amount=request.amount_due)


def _apply(request: FeePayable, outcome: PaymentOutcome, *, now: dt.datetime,
            kind: Payables) -> Settled:
    """The provider's outcome on the fee; the resident is told by the message bus (the
    certificate's `RequesterNotices`, the procedure fee's `FeeNotices`)."""
    if outcome.status is PaymentStatus.COMPLETED:
        request.mark_paid(payment_id=outcome.payment_id, amount=outcome.amount, at=now)
        return _settled(SettleOutcome.PAID, request, kind)
    if outcome.status.lapsed or outcome.status is PaymentStatus.REFUNDED:
        request.payment_failed(cancelled=outcome.status is PaymentStatus.CANCELLED)
        return _settled(SettleOutcome.LAPSED, request, kind)
    return _settled(SettleOutcome.WAITING, request, kind)


def _settled(outcome: SettleOutcome, request: FeePayable, kind: Payables) -> Settled:
    return Settled(outcome=outcome, payable_id=request.id, total=request.amount_due.format(),
                   kind=kind)
