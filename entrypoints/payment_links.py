"""The links around a fee payment: the resident's signed pay link (it goes out in a chat
message, so it carries an HMAC of the request id instead of needing a log-in), and the pages
the provider sends the payer back to. (The gateway itself is the plug-in the town's settings
choose: entrypoints/plugins.py.)"""

from __future__ import annotations

import hashlib
import hmac

from application.payments.paying import PaymentLinks

__all__ = ["PayLinkSigner"]


class PayLinkSigner:
    def __init__(self, secret_key: str, public_url: str) -> None:
        self._key = hashlib.sha256(f"pay-link:{secret_key}".encode()).digest()
        self._base = public_url.rstrip("/")

    def token(self, request_id: str) -> str:
        return hmac.new(self._key, request_id.encode(), hashlib.sha256).hexdigest()[:32]

    def verify(self, request_id: str, token: str) -> bool:
        return hmac.compare_digest(self.token(request_id), token or "")

    def pay_url(self, request_id: str) -> str:
        """A certificate request's fee."""
        return f"{self._base}/payments/certificates/{request_id}/pay?t={self.token(request_id)}"

    def fee_pay_url(self, fee_id: str) -> str:
        """A procedure's fee (ADR 0053)."""
        return f"{self._base}/payments/fees/{fee_id}/pay?t={self.token(fee_id)}"

    def return_url(self, reference: str) -> str:
        return f"{self._base}/payments/return/{reference}"

    def cancel_url(self, reference: str) -> str:
        return f"{self._base}/payments/return/{reference}?cancelled=1"

    def links(self) -> PaymentLinks:
        return PaymentLinks(return_url=self.return_url, cancel_url=self.cancel_url)
