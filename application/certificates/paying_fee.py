"""Paying the fee: start a payment with the gateway (or go back to the open one), and settle
it when the payer returns or when it has waited too long. The outcome is always read from the
provider; the payer's return only says which payment to look at.

Each attempt has its own reference (`<request id>-<n>`), sent as the provider's idempotency
key. An expired or cancelled attempt leaves the request unpaid, and the resident is told with a
button to try again.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable

from attrs import frozen

from application.ports.clock import Clock
from application.ports.payments import (
    PaymentError,
    PaymentGateway,
    PaymentOutcome,
    PaymentStatus,
)
from application.ports.unit_of_work import ConcurrentUpdate, UnitOfWork
from domain.certificates import CertificateRequest, IssueState, PaymentState
from domain.errors import IllegalTransition, NotFound

__all__ = [
    "PAYMENT_TTL",
    "PaymentLinks",
    "SettleOutcome",
    "Settled",
    "expire_payments",
    "settle_payment",
    "start_payment",
]

PAYMENT_TTL = dt.timedelta(minutes=30)  # an attempt not paid by then is cancelled


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
    request_id: str
    total: str


def start_payment(request_id: str, *, uow: UnitOfWork, gateway: PaymentGateway, clock: Clock,
                  links: PaymentLinks) -> str:
    """The URL the payer goes to: the open attempt's, or a new attempt's."""
    now = clock.now()
    with uow:
        request = uow.certificate_requests.get(request_id)
        if request is None:
            raise NotFound("請求が見つかりません。")
        if request.payment_state in {PaymentState.PAID, PaymentState.REFUNDED}:
            raise IllegalTransition("この請求の手数料はすでに支払われています。",
                                    code="already_paid")
        if request.issue_state is not IssueState.WAITING:
            raise IllegalTransition(f"この請求は「{request.issue_state.label}」のため、"
                                    "支払はできません。", code="not_payable")
        if _open_attempt(request, gateway, now) and request.payment_url:
            return request.payment_url
        if request.payment_state is PaymentState.PENDING:  # stale, or another provider's
            _close_attempt(request, gateway)
        reference = request.next_payment_reference()
        try:
            started = gateway.create(
                reference=reference, amount=request.total,
                description=f"{request.kind.label} {request.copies}通 手数料・郵送料",
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
    race reads the request again and answers what the winner recorded."""
    try:
        return _settle_once(reference, cancelled=cancelled, uow=uow, gateway=gateway,
                            clock=clock)
    except ConcurrentUpdate:
        return _settle_once(reference, cancelled=cancelled, uow=uow, gateway=gateway,
                            clock=clock)


def _settle_once(reference: str, *, cancelled: bool, uow: UnitOfWork, gateway: PaymentGateway,
                 clock: Clock) -> Settled:
    now = clock.now()
    with uow:
        request = uow.certificate_requests.get_by_payment_reference(reference)
        if request is None:
            raise NotFound("この支払の手続きは、すでに終わっているか無効です。町からの"
                           "お知らせで請求の状況をご確認ください。", code="payment_not_found")
        if request.payment_state is not PaymentState.PENDING:
            return _settled(SettleOutcome.ALREADY_PAID, request)
        if request.payment_provider != gateway.name:
            raise IllegalTransition("この支払は現在の決済サービスでは確認できません。",
                                    code="other_provider")
        outcome = _read(request, gateway)
        if outcome.status is PaymentStatus.CREATED and cancelled:
            gateway.cancel(reference=reference, provider_id=str(request.payment_provider_id))
            outcome = _read(request, gateway)  # paid at the last moment after all?
            if outcome.status is PaymentStatus.CREATED:
                outcome = PaymentOutcome(PaymentStatus.CANCELLED)
        result = _record(request, outcome, now=now)
        uow.commit()
    return result


def expire_payments(*, uow_factory: Callable[[], UnitOfWork], gateway: PaymentGateway,
                    clock: Clock, ttl: dt.timedelta = PAYMENT_TTL,
                    limit: int = 200) -> dict[str, int]:
    """For a scheduled job: attempts older than `ttl` are read once more, then cancelled with
    the provider and left unpaid (the resident is told). Returns counts by outcome."""
    now = clock.now()
    with uow_factory() as uow:
        stale = [r.id for r in uow.certificate_requests.pending_payments(
            started_before=now - ttl, limit=limit)]
    counts = {outcome.value: 0 for outcome in SettleOutcome}
    for request_id in stale:
        with uow_factory() as uow:
            request = uow.certificate_requests.get(request_id)
            if request is None or request.payment_state is not PaymentState.PENDING \
                    or request.payment_provider != gateway.name:
                continue
            outcome = _read(request, gateway)
            if outcome.status is PaymentStatus.CREATED:
                gateway.cancel(reference=str(request.payment_reference),
                               provider_id=str(request.payment_provider_id))
                outcome = _read(request, gateway)
                if outcome.status is not PaymentStatus.COMPLETED:  # we cancelled it: expired
                    outcome = PaymentOutcome(PaymentStatus.EXPIRED)
            result = _record(request, outcome, now=now)
            uow.commit()
            counts[result.outcome.value] += 1
    return counts


# -- helpers --------------------------------------------------------------------------------------

def _open_attempt(request: CertificateRequest, gateway: PaymentGateway,
                  now: dt.datetime) -> bool:
    return (request.payment_state is PaymentState.PENDING
            and request.payment_provider == gateway.name
            and request.payment_started_at is not None
            and now - request.payment_started_at < PAYMENT_TTL)


def _close_attempt(request: CertificateRequest, gateway: PaymentGateway) -> None:
    """Before a new attempt: the old one must not be payable any more (never paid twice)."""
    if request.payment_provider == gateway.name and request.payment_provider_id:
        outcome = _read(request, gateway)
        if outcome.status is PaymentStatus.COMPLETED:
            raise IllegalTransition("前回のお支払いが完了しています。町からの"
                                    "お知らせをご確認ください。", code="already_paid")
        gateway.cancel(reference=str(request.payment_reference),
                       provider_id=request.payment_provider_id)
    request.payment_lapsed()


def _read(request: CertificateRequest, gateway: PaymentGateway) -> PaymentOutcome:
    return gateway.settle(reference=str(request.payment_reference),
                          provider_id=str(request.payment_provider_id), amount=request.total)


def _record(request: CertificateRequest, outcome: PaymentOutcome, *,
            now: dt.datetime) -> Settled:
    """The provider's outcome on the request; the resident is told by the message bus
    (`handlers.RequesterNotices`)."""
    if outcome.status is PaymentStatus.COMPLETED:
        request.mark_paid(payment_id=outcome.payment_id, amount=outcome.amount, at=now)
        return _settled(SettleOutcome.PAID, request)
    if outcome.status.lapsed or outcome.status is PaymentStatus.REFUNDED:
        request.payment_failed(cancelled=outcome.status is PaymentStatus.CANCELLED)
        return _settled(SettleOutcome.LAPSED, request)
    return _settled(SettleOutcome.WAITING, request)


def _settled(outcome: SettleOutcome, request: CertificateRequest) -> Settled:
    return Settled(outcome=outcome, request_id=request.id, total=request.total.format())
