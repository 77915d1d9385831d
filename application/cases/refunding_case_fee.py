"""「返金する」 on a case page (ADR 0053): staff who handle the case's department refund its fee
whole through the gateway that took it, under the fee's own refund reference; the refund is
recorded and audited in one transaction, and the resident is told (`case_fees.FeeNotices`).
A refund asked again changes nothing and says so."""

from __future__ import annotations

from attrs import frozen

from application.access.actor import Actor
from application.audit.recording import record
from application.cases.access import workable_case
from application.payments.refunding import refund_whole
from application.ports.clock import Clock
from application.ports.payments import PaymentGateway
from application.ports.unit_of_work import UnitOfWork
from domain.cases import InboxCase
from domain.errors import IllegalTransition, NotFound
from domain.fees import FeePayment
from domain.payments import PaymentState

__all__ = ["CaseFeeRefunded", "RefundCaseFee", "fee_to_refund", "refund_case_fee"]


@frozen
class RefundCaseFee:
    case_id: str
    actor: Actor


@frozen
class CaseFeeRefunded:
    fee: FeePayment
    already: bool  # it had been refunded before: nothing changed


def fee_to_refund(case_id: str, *, actor: Actor,
                  uow: UnitOfWork) -> tuple[InboxCase, FeePayment]:
    """The case and its fee, for the confirmation page."""
    with uow:
        case = workable_case(case_id, actor, uow, "手数料を返金")
        return case, _fee_of(case.id, uow)


def _fee_of(case_id: str, uow: UnitOfWork) -> FeePayment:
    fee = uow.fee_payments.of_case(case_id)
    if fee is None:
        raise NotFound("この案件には手数料がありません。", code="no_fee")
    return fee


def refund_case_fee(command: RefundCaseFee, *, uow: UnitOfWork, clock: Clock,
                    gateway: PaymentGateway) -> CaseFeeRefunded:
    now = clock.now()
    with uow:
        case = workable_case(command.case_id, command.actor, uow, "手数料を返金")
        fee = _fee_of(case.id, uow)
        if fee.payment_state is PaymentState.REFUNDED:
            return CaseFeeRefunded(fee, already=True)
        if fee.payment_state is not PaymentState.PAID:
            raise IllegalTransition("支払われていない手数料は返金できません。", code="not_paid")
        fee.refunded(reference=refund_whole(fee, gateway), by=command.actor.id, at=now)
        record(uow, command.actor, "case.fee_refund", "case", case.id, at=now)
        uow.commit()
    return CaseFeeRefunded(fee, already=False)
