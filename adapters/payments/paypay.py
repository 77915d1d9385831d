"""PayPay Open Payment API (ウェブペイメント, dynamic QR codes).

Each request is signed with `Authorization: hmac OPA-Auth:<key>:<mac>:<nonce>:<epoch>:<hash>`,
the HMAC-SHA256 (key: the API secret) over the path, method, nonce, epoch, content type and
the base64 MD5 of content type + body ("empty" without a body), as PayPay's own SDK does.
PayPay does not sign its answers, so every answer is checked against what was asked (the
merchant payment id, the amount in yen) and refused when it differs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

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

__all__ = ["CONTENT_TYPE", "PayPayGateway", "opa_auth_header"]

CONTENT_TYPE = "application/json;charset=UTF-8"
_STATUS = {
    "CREATED": PaymentStatus.CREATED,
    "AUTHORIZED": PaymentStatus.CREATED,
    "REAUTHORIZING": PaymentStatus.CREATED,
    "COMPLETED": PaymentStatus.COMPLETED,
    "REFUNDED": PaymentStatus.REFUNDED,
    "CANCELED": PaymentStatus.CANCELLED,
    "EXPIRED": PaymentStatus.EXPIRED,
    "FAILED": PaymentStatus.FAILED,
}


def opa_auth_header(api_key: str, api_secret: str, *, method: str, path: str,
                    body: str | None, nonce: str, epoch: str) -> str:
    content_type = CONTENT_TYPE if body is not None else "empty"
    body_hash = "empty"
    if body is not None:
        digest = hashlib.md5(usedforsecurity=False)
        digest.update(content_type.encode())
        digest.update(body.encode())
        body_hash = base64.b64encode(digest.digest()).decode()
    signed = "\n".join([path, method, nonce, epoch, content_type, body_hash])
    mac = base64.b64encode(hmac.new(api_secret.encode(), signed.encode(),
                                    hashlib.sha256).digest()).decode()
    return f"hmac OPA-Auth:{api_key}:{mac}:{nonce}:{epoch}:{body_hash}"


class PayPayGateway:
    name = "paypay"

    def __init__(self, *, api_key: str, api_secret: str, merchant_id: str, base_url: str,
                 session: requests.Session | None = None,
                 epoch: Callable[[], float] = time.time,
                 timeout: float | tuple[float, float] = TIMEOUT) -> None:
        if not (api_key and api_secret and merchant_id):
            raise ValueError("PayPay needs an API key, its secret and the merchant id")
        self._key, self._secret, self._merchant = api_key, api_secret, merchant_id
        self._base = base_url.rstrip("/")
        self._session = session or requests.Session()
        self._timeout = timeout  # a provider that does not answer in time: a retryable error
        self._epoch = epoch

    # -- the port ----------------------------------------------------------------------------

    def create(self, *, reference: str, amount: Money, description: str, return_url: str,
               cancel_url: str) -> PaymentStarted:
        """The merchant payment id is PayPay's idempotency key: a second code under it is
        refused (DUPLICATE_DYNAMIC_QR_REQUEST), so one attempt is never paid twice."""
        body = {
            "merchantPaymentId": reference,
            "amount": {"amount": amount.yen, "currency": "JPY"},
            "codeType": "ORDER_QR",
            "orderDescription": description[:255],
            "isAuthorization": False,
            "redirectUrl": return_url,
            "redirectType": "WEB_LINK",
            "requestedAt": int(self._epoch()),
        }
        data = self._data(self._call("POST", "/v2/codes", body))
        self._check_echo(data, reference, amount)
        code_id, url = data.get("codeId"), data.get("url")
        if not isinstance(code_id, str) or not code_id or not isinstance(url, str) \
                or not url.startswith(("https://", "http://")):
            raise PaymentError("PayPayの応答にコードIDか支払URLがありません。",
                               code="malformed_response")
        return PaymentStarted(reference=reference, provider_id=code_id, url=url)

    def settle(self, *, reference: str, provider_id: str, amount: Money) -> PaymentOutcome:
        data = self._details(reference)
        self._check_echo(data, reference, amount)
        status = _STATUS.get(str(data.get("status")))
        if status is None:
            raise PaymentError(f"PayPayの支払状態「{data.get('status')}」を解釈できません。",
                               code="malformed_response")
        if status is not PaymentStatus.COMPLETED:
            return PaymentOutcome(status)
        payment_id = data.get("paymentId")
        if not isinstance(payment_id, str) or not payment_id:
            raise PaymentError("PayPayの応答に決済番号がありません。", code="malformed_response")
        return PaymentOutcome(PaymentStatus.COMPLETED, payment_id=payment_id, amount=amount)

    def cancel(self, *, reference: str, provider_id: str) -> None:
        _status, answer = self._call("DELETE", f"/v2/codes/{quote(provider_id, safe='')}", None)
        code = _code(answer)
        if code not in {"SUCCESS", "DYNAMIC_QR_NOT_FOUND"}:  # gone already is what we wanted
            raise PaymentError(f"PayPayのコードを削除できませんでした（{code}）。", code=code)

    def refund(self, *, reference: str, provider_id: str, payment_id: str,
               refund_reference: str, amount: Money) -> RefundOutcome:
        body = {
            "merchantRefundId": refund_reference,
            "paymentId": payment_id,
            "amount": {"amount": amount.yen, "currency": "JPY"},
            "requestedAt": int(self._epoch()),
            "reason": "証明書を交付できないため",
        }
        status, answer = self._call("POST", "/v2/refunds", body)
        if _code(answer) == "SUCCESS":
            data = self._data((status, answer))
            if data.get("merchantRefundId") != refund_reference or \
                    _amount(data) != amount.yen:
                raise PaymentError("PayPayの返金の応答が依頼と一致しません。",
                                   code="mismatched_response")
            return RefundOutcome(amount=amount, remaining=Money(0))
        # Refused: refunded before (by us, or by the merchant's console)? Ask PayPay.
        details = self._details(reference)
        if details.get("status") == "REFUNDED":
            return RefundOutcome(amount=Money(0), remaining=Money(0), already_refunded=True)
        raise PaymentError(f"PayPayで返金できませんでした（{_code(answer)}）。",
                           code=_code(answer))

    # -- calls -------------------------------------------------------------------------------

    def _details(self, reference: str) -> dict[str, Any]:
        return self._data(self._call(
            "GET", f"/v2/codes/payments/{quote(reference, safe='')}", None))

    def _call(self, method: str, path: str,
              payload: dict[str, Any] | None) -> tuple[int, dict[str, Any]]:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) \
            if payload is not None else None
        header = opa_auth_header(self._key, self._secret, method=method, path=path, body=body,
                                 nonce=uuid.uuid4().hex[:8], epoch=str(int(self._epoch())))
        headers = {"Authorization": header, "X-ASSUME-MERCHANT": self._merchant,
                   "Content-Type": CONTENT_TYPE}
        status, answer = call_json(self._session, method, f"{self._base}{path}",
                                   headers=headers, body=body, timeout=self._timeout)
        if status == 401:
            raise PaymentError("PayPayが署名を受け付けませんでした（APIキーと秘密鍵を確かめて"
                               "ください）。", code=_code(answer) or "unauthorized")
        return status, answer

    @staticmethod
    def _data(result: tuple[int, dict[str, Any]]) -> dict[str, Any]:
        _status, answer = result
        code = _code(answer)
        if code != "SUCCESS":
            raise PaymentError(f"PayPayが依頼を受け付けませんでした（{code}）。", code=code)
        data = answer.get("data")
        if not isinstance(data, dict):
            raise PaymentError("PayPayの応答に data がありません。", code="malformed_response")
        return data

    @staticmethod
    def _check_echo(data: dict[str, Any], reference: str, amount: Money) -> None:
        """PayPay's answers are not signed: refuse one that is not about what we asked."""
        currency = (data.get("amount") or {}).get("currency") \
            if isinstance(data.get("amount"), dict) else None
        if data.get("merchantPaymentId") != reference or _amount(data) != amount.yen \
                or currency != "JPY":
            raise PaymentError("PayPayの応答が依頼と一致しません（支払番号か金額が違います）。",
                               code="mismatched_response")


def _code(answer: dict[str, Any]) -> str:
    info = answer.get("resultInfo")
    return str(info.get("code", "")) if isinstance(info, dict) else ""


def _amount(data: dict[str, Any]) -> int | None:
    amount = data.get("amount")
    value = amount.get("amount") if isinstance(amount, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None
