"""A local stand-in for PayPay's Open Payment API (dynamic QR codes), for the tests.

It checks every request's `Authorization: hmac OPA-Auth:...` header the way PayPay does: the
API key is known, the epoch is within two minutes, the nonce is fresh, the body hash is the
MD5 of the content type and the body actually received, and the HMAC-SHA256 over path,
method, nonce, epoch, content type and body hash matches (compared in constant time). Anything
else is answered 401 UNAUTHORIZED and changes nothing.

`tamper` makes its answers lie (a different amount or payment id) so tests can check the
client refuses them. The payer's side is `/pay/<codeId>` (or `complete()` directly).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from attrs import define, field
from flask import Flask, Response, redirect, request

from tests.support._serving import serving

__all__ = ["LocalPayPay", "running_paypay"]

Tamper = Literal["amount", "payment_id", "status"]


@define
class _Code:
    code_id: str
    merchant_payment_id: str
    amount: int
    redirect_url: str
    status: str = "CREATED"
    payment_id: str | None = None
    deleted: bool = False


@define
class LocalPayPay:
    api_key: str
    api_secret: str
    merchant_id: str
    base_url: str = ""
    tamper: Tamper | None = None
    codes: dict[str, _Code] = field(factory=dict)  # by merchant payment id
    refunds: dict[str, dict[str, Any]] = field(factory=dict)  # by merchant refund id
    refused: list[str] = field(factory=list)  # why requests were refused (401)
    calls: list[tuple[str, str]] = field(factory=list)
    _nonces: set[str] = field(factory=set)
    _ids: Any = field(factory=lambda: itertools.count(1))
    _lock: Any = field(factory=threading.Lock)

    # -- the payer ---------------------------------------------------------------------------

    def complete(self, merchant_payment_id: str) -> None:
        code = self.codes[merchant_payment_id]
        if code.status == "CREATED":
            code.status = "COMPLETED"
            code.payment_id = f"0{next(self._ids):018d}"

    def expire(self, merchant_payment_id: str) -> None:
        self.codes[merchant_payment_id].status = "EXPIRED"

    # -- signatures --------------------------------------------------------------------------

    def _verify(self) -> str | None:
        """Why the request's signature is refused, or None when it is good."""
        header = request.headers.get("Authorization", "")
        prefix = "hmac OPA-Auth:"
        if not header.startswith(prefix):
            return "no OPA-Auth header"
        parts = header.removeprefix(prefix).split(":")
        if len(parts) != 5:
            return "malformed header"
        api_key, mac, nonce, epoch, body_hash = parts
        if not hmac.compare_digest(api_key, self.api_key):
            return "unknown api key"
        if request.headers.get("X-ASSUME-MERCHANT") not in (None, "", self.merchant_id):
            return "unknown merchant"
        if not epoch.isdigit() or abs(time.time() - int(epoch)) > 120:
            return "stale epoch"
        body = request.get_data(as_text=True)
        if body:
            content_type = request.headers.get("Content-Type", "")
            digest = hashlib.md5(usedforsecurity=False)
            digest.update(content_type.encode())
            digest.update(body.encode())
            expected_hash = base64.b64encode(digest.digest()).decode()
        else:
            content_type, expected_hash = "empty", "empty"
        if not hmac.compare_digest(body_hash, expected_hash):
            return "body hash does not match the body"
        signed = "\n".join([request.path, request.method, nonce, epoch, content_type,
                            expected_hash])
        expected = base64.b64encode(hmac.new(self.api_secret.encode(), signed.encode(),
                                             hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(mac, expected):
            return "signature does not match"
        with self._lock:
            if nonce in self._nonces:
                return "nonce used before"
            self._nonces.add(nonce)
        return None

    # -- the API -----------------------------------------------------------------------------

    def app(self) -> Flask:
        app = Flask("local-paypay")

        @app.before_request
        def check() -> Any:
            self.calls.append((request.method, request.path))
            if request.path.startswith("/pay/"):
                return None
            reason = self._verify()
            if reason is not None:
                self.refused.append(reason)
                return _answer("UNAUTHORIZED", None, 401)
            return None

        @app.post("/v2/codes")
        def create_code() -> Any:
            body = json.loads(request.get_data(as_text=True))
            mpid = body["merchantPaymentId"]
            amount = body["amount"]
            if not isinstance(amount.get("amount"), int) or amount.get("currency") != "JPY":
                return _answer("INVALID_PARAMS", None, 400)
            with self._lock:
                if mpid in self.codes:
                    return _answer("DUPLICATE_DYNAMIC_QR_REQUEST", None, 400)
                code = _Code(code_id=f"04-{next(self._ids):012d}", merchant_payment_id=mpid,
                             amount=amount["amount"], redirect_url=body["redirectUrl"])
                self.codes[mpid] = code
            return _answer("SUCCESS", self._code_json(code, url=True), 201)

        @app.get("/v2/codes/payments/<mpid>")
        def payment_details(mpid: str) -> Any:
            code = self.codes.get(mpid)
            if code is None:
                return _answer("DYNAMIC_QR_PAYMENT_NOT_FOUND", None, 404)
            return _answer("SUCCESS", self._code_json(code))

        @app.delete("/v2/codes/<code_id>")
        def delete_code(code_id: str) -> Any:
            for code in self.codes.values():
                if code.code_id == code_id and not code.deleted:
                    code.deleted = True
                    if code.status == "CREATED":
                        code.status = "CANCELED"
                    return _answer("SUCCESS", None)
            return _answer("DYNAMIC_QR_NOT_FOUND", None, 404)

        @app.post("/v2/refunds")
        def refund() -> Any:
            body = json.loads(request.get_data(as_text=True))
            code = next((c for c in self.codes.values() if c.payment_id == body["paymentId"]),
                        None)
            if code is None:
                return _answer("NO_SUCH_PAYMENT", None, 400)
            with self._lock:
                if code.status == "REFUNDED":
                    return _answer("INVALID_REFUND_AMOUNT", None, 400)
                if body["amount"]["amount"] != code.amount:
                    return _answer("INVALID_REFUND_AMOUNT", None, 400)
                code.status = "REFUNDED"
                self.refunds[body["merchantRefundId"]] = body
            return _answer("SUCCESS", {
                "status": "CREATED", "merchantRefundId": body["merchantRefundId"],
                "paymentId": body["paymentId"], "amount": body["amount"],
            }, 201)

        @app.get("/pay/<code_id>")
        def pay_page(code_id: str) -> Any:
            return Response(f'<form method="post"><button>支払う {code_id}</button></form>',
                            mimetype="text/html")

        @app.post("/pay/<code_id>")
        def pay(code_id: str) -> Any:
            code = next(c for c in self.codes.values() if c.code_id == code_id)
            self.complete(code.merchant_payment_id)
            return redirect(code.redirect_url, 303)

        return app

    def _code_json(self, code: _Code, *, url: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "codeId": code.code_id, "merchantPaymentId": code.merchant_payment_id,
            "amount": {"amount": code.amount, "currency": "JPY"}, "status": code.status,
        }
        if code.payment_id:
            data["paymentId"] = code.payment_id
        if url:
            data["url"] = f"{self.base_url}/pay/{code.code_id}"
            data["deeplink"] = f"paypay://payment?link_key={code.code_id}"
        if self.tamper == "amount":
            data["amount"] = {"amount": 1, "currency": "JPY"}
        elif self.tamper == "payment_id":
            data["merchantPaymentId"] = "someone-else-1"
        elif self.tamper == "status":
            data["status"] = "PAID_MAYBE"
        return data


def _answer(code: str, data: dict[str, Any] | None, status: int = 200) -> Response:
    body: dict[str, Any] = {"resultInfo": {"code": code, "message": code, "codeId": "08100001"}}
    if data is not None:
        body["data"] = data
    return Response(json.dumps(body), status=status, mimetype="application/json")


@contextmanager
def running_paypay(*, api_key: str = "test-api-key", api_secret: str = "test-api-secret",
                   merchant_id: str = "test-merchant") -> Iterator[LocalPayPay]:
    server = LocalPayPay(api_key=api_key, api_secret=api_secret, merchant_id=merchant_id)
    with serving(server.app(), "local-paypay") as base_url:
        server.base_url = base_url
        yield server
