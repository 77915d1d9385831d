"""Refunding a fee whole through the gateway that took it, under the fee's own refund
reference (`<id>-refund`, the provider's idempotency key: a refund asked twice is one). The
caller records it on the aggregate, audits it and commits, in one transaction."""

from __future__ import annotations

from application.ports.payments import PaymentError, PaymentGateway
from domain.errors import DomainError, IllegalTransition
from domain.payments import FeePayable

__all__ = ["RefundFailed", "refund_whole"]


class RefundFailed(DomainError):
    """The provider did not refund; nothing was recorded."""

    code = "refund_failed"


def refund_whole(payable: FeePayable, gateway: PaymentGateway) -> str:
    """Refund the paid fee with its provider; the refund reference used."""
    if payable.payment_provider != gateway.name:
        raise IllegalTransition(
            f"この手数料は「{payable.payment_provider}」で支払われています。返金にはその決済"
            "サービスの設定が必要です。", code="other_provider")
    reference = payable.refund_reference_for()
    try:
        gateway.refund(reference=str(payable.payment_reference),
                       provider_id=str(payable.payment_provider_id),
                       payment_id=str(payable.payment_id or payable.payment_provider_id),
                       refund_reference=reference, amount=payable.amount_due)
    except PaymentError as error:
        raise RefundFailed(f"返金できませんでした: {error.detail}") from None
    return reference
