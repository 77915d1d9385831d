"""LINE Pay v3 online payments (request, confirm, refund, payment details).

Each request carries `X-LINE-ChannelId`, `X-LINE-Authorization-Nonce` (a UUID) and
`X-LINE-Authorization` = base64(HMAC-SHA256(key: channel secret, channel secret + path + body
+ nonce)); a GET signs its query string instead of the body. LINE Pay does not sign its
answers, so every answer is checked against what was asked (order id, transaction id,
amount) and refused when it differs. Transaction ids have 19 digits and are kept as strings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from typing import Any
from urllib.parse import urlencode

import requests

from adapters.payments._http import TIMEOUT, call_json
from application.ports.payments import (
    PaymentError,
    PaymentOutcome,
    PaymentStarted,
    PaymentStatus,
    RefundOutcome,
)
from domain.values import Money

__all__ = ["LinePayGateway", "line_pay_signature"]

SUCCESS = "0000"
NO_SUCH_TRANSACTION = "1150"
ALREADY_REFUNDED = "1165"
DUPLICATE_ORDER = "1172"
_TRANSACTION_ID = re.compile(r"[0-9]{19}")


def line_pay_signature(channel_secret: str, path: str, body_or_query: str, nonce: str) -> str:
    message = f"{channel_secret}{path}{body_or_query}{nonce}"
    return base64.b64encode(hmac.new(channel_secret.encode(), message.encode(),
                                     hashlib.sha256).digest()).decode()


class LinePayGateway:
    name = "linepay"

    def __init__(self, *, channel_id: str, channel_secret: str, base_url: str,
                 session: requests.Session | None = None,
                 timeout: float | tuple[float, float] = TIMEOUT) -> None:
        if not (channel_id and channel_secret):
            raise ValueError("LINE Pay needs a channel id and its secret")
        self._channel, self._secret = channel_id, channel_secret
        self._base = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._timeout = timeout  # a provider that does not answer in time: a retryable error

    # -- the port ----------------------------------------------------------------------------

    def create(self, *, reference: str, amount: Money, description: str, return_url: str,
               cancel_url: str) -> PaymentStarted:
        """The order id is LINE Pay's idempotency key: a second request under it is refused
        (1172), so one attempt is never paid twice."""
        name = description[:100]
        body = {
            "amount": amount.yen, "currency": "JPY", "orderId": reference,
            "packages": [{"id": reference, "amount": amount.yen, "name": name,
                          "products": [{"name": name, "quantity": 1, "price": amount.yen}]}],
            "redirectUrls": {"confirmUrl": return_url, "cancelUrl": cancel_url},
        }
        info = self._info(self._post("/v3/payments/request", body))
        transaction_id = _transaction_id(info.get("transactionId"))
        urls = info.get("paymentUrl")
        url = urls.get("web") if isinstance(urls, dict) else None
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            raise PaymentError("LINE Payの応答に支払URLがありません。", code="malformed_response")
        return PaymentStarted(reference=reference, provider_id=transaction_id, url=url)

    def settle(self, *, reference: str, provider_id: str, amount: Money) -> PaymentOutcome:
        """Confirm (capture) the payment the payer approved. Confirming again, or a payer who
        has not approved yet, is answered from the payment details."""
        transaction_id = _transaction_id(provider_id)
        answer = self._post(f"/v3/payments/{transaction_id}/confirm",
                            {"amount": amount.yen, "currency": "JPY"})
        if _code(answer) == SUCCESS:
            info = self._info(answer)
            if info.get("orderId") != reference \
                    or _transaction_id(info.get("transactionId")) != transaction_id \
                    or _paid(info) != amount.yen:
                raise PaymentError("LINE Payの応答が依頼と一致しません（注文番号か金額が"
                                   "違います）。", code="mismatched_response")
            return PaymentOutcome(PaymentStatus.COMPLETED, payment_id=transaction_id,
                                  amount=amount)
        return self._from_details(reference, transaction_id, amount)

    def cancel(self, *, reference: str, provider_id: str) -> None:
        """A requested payment that is not confirmed is never captured, and LINE Pay lets it
        lapse by itself: there is nothing to call (void is for authorizations only)."""
        _transaction_id(provider_id)

    def refund(self, *, reference: str, provider_id: str, payment_id: str,
               refund_reference: str, amount: Money) -> RefundOutcome:
        transaction_id = _transaction_id(payment_id)
        answer = self._post(f"/v3/payments/{transaction_id}/refund",
                            {"refundAmount": amount.yen})
        code = _code(answer)
        if code == ALREADY_REFUNDED:
            return RefundOutcome(amount=Money(0), remaining=Money(0), already_refunded=True)
        info = self._info(answer)
        _transaction_id(info.get("refundTransactionId"))
        return RefundOutcome(amount=amount, remaining=Money(0))

    # -- details -----------------------------------------------------------------------------

    def _from_details(self, reference: str, transaction_id: str,
                      amount: Money) -> PaymentOutcome:
        answer = self._get("/v3/payments", {"transactionId": transaction_id})
        if _code(answer) == NO_SUCH_TRANSACTION:  # requested, not yet approved and confirmed
            return PaymentOutcome(PaymentStatus.CREATED)
        info = self._info(answer)
        entries = info if isinstance(info, list) else None
        if not entries or not isinstance(entries[0], dict):
            raise PaymentError("LINE Payの支払明細を読み取れません。", code="malformed_response")
        entry = entries[0]
        if entry.get("orderId") != reference \
                or _transaction_id(entry.get("transactionId")) != transaction_id \
                or _paid(entry) != amount.yen:
            raise PaymentError("LINE Payの応答が依頼と一致しません（注文番号か金額が違います）。",
                               code="mismatched_response")
        if entry.get("refundList"):
            return PaymentOutcome(PaymentStatus.REFUNDED, payment_id=transaction_id)
        return PaymentOutcome(PaymentStatus.COMPLETED, payment_id=transaction_id,
                              amount=amount)

    # -- calls -------------------------------------------------------------------------------

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return self._send("POST", path, body, body, "")

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        query = urlencode(params)
        return self._send("GET", path, query, None, f"?{query}")

    def _send(self, method: str, path: str, signed: str, body: str | None,
              query: str) -> dict[str, Any]:
        nonce = str(uuid.uuid4())
        headers = {
            "Content-Type": "application/json",
            "X-LINE-ChannelId": self._channel,
            "X-LINE-Authorization-Nonce": nonce,
            "X-LINE-Authorization": line_pay_signature(self._secret, path, signed, nonce),
        }
        status, answer = call_json(self._session, method, f"{self._base}{path}{query}",
                                   headers=headers, body=body, timeout=self._timeout)
        if status == 401 or _code(answer) in {"1106", "1104"}:
            raise PaymentError("LINE Payが署名を受け付けませんでした（チャネルIDと秘密鍵を"
                               "確かめてください）。", code=_code(answer) or "unauthorized")
        return answer

    @staticmethod
    def _info(answer: dict[str, Any]) -> Any:
        code = _code(answer)
        if code != SUCCESS:
            message = answer.get("returnMessage", "")
            raise PaymentError(f"LINE Payが依頼を受け付けませんでした（{code} {message}）。",
                               code=code)
        info = answer.get("info")
        if not isinstance(info, dict | list):
            raise PaymentError("LINE Payの応答に info がありません。", code="malformed_response")
        return info


def _code(answer: dict[str, Any]) -> str:
    return str(answer.get("returnCode", ""))


def _transaction_id(value: Any) -> str:
    """19 digits, as an integer or a string; a float (precision lost) is refused."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise PaymentError("LINE Payの取引番号の形が正しくありません。", code="malformed_response")
    text = str(value)
    if not _TRANSACTION_ID.fullmatch(text):
        raise PaymentError("LINE Payの取引番号の形が正しくありません。", code="malformed_response")
    return text


def _paid(info: dict[str, Any]) -> int | None:
    pay_info = info.get("payInfo")
    if not isinstance(pay_info, list) or not pay_info:
        return None
    total = 0
    for item in pay_info:
        amount = item.get("amount") if isinstance(item, dict) else None
        if isinstance(amount, bool) or not isinstance(amount, int):
            return None
        total += amount
    return total
