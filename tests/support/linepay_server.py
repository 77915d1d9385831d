"""A local stand-in for LINE Pay's v3 online payment API, for the tests.

It checks every request the way LINE Pay does: `X-LINE-ChannelId` is the channel, the nonce
is fresh, and `X-LINE-Authorization` is base64(HMAC-SHA256(channel secret, channel secret +
path + body + nonce)), the query string standing in for the body on a GET (compared in
constant time). A bad signature is answered with returnCode 1106 and changes nothing.

The payer approves on `/pay/<transactionId>` (or `approve()` directly); `tamper` makes the
answers lie so tests can check the client refuses them. Transaction ids are 19-digit
integers in the JSON, as LINE Pay sends them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal
from urllib.parse import urlencode

from attrs import define, field
from flask import Flask, Response, redirect, request

from tests.support._serving import serving

__all__ = ["LocalLinePay", "running_linepay"]

Tamper = Literal["amount", "order", "float_id"]


@define
class _Transaction:
    transaction_id: int
    order_id: str
    amount: int
    confirm_url: str
    cancel_url: str
    approved: bool = False
    confirmed: bool = False
    refunded: bool = False


@define
class LocalLinePay:
    channel_id: str
    channel_secret: str
    base_url: str = ""
    tamper: Tamper | None = None
    transactions: dict[int, _Transaction] = field(factory=dict)
    refused: list[str] = field(factory=list)
    confirms: int = 0
    _nonces: set[str] = field(factory=set)
    _ids: Any = field(factory=lambda: itertools.count(2026112200000000001))
    _lock: Any = field(factory=threading.Lock)

    def approve(self, transaction_id: int | str) -> None:
        self.transactions[int(transaction_id)].approved = True

    def by_order(self, order_id: str) -> _Transaction:
        return next(t for t in self.transactions.values() if t.order_id == order_id)

    def _verify(self) -> str | None:
        if request.headers.get("X-LINE-ChannelId") != self.channel_id:
            return "unknown channel"
        nonce = request.headers.get("X-LINE-Authorization-Nonce", "")
        if not nonce:
            return "no nonce"
        signed = request.query_string.decode() if request.method == "GET" \
            else request.get_data(as_text=True)
        message = f"{self.channel_secret}{request.path}{signed}{nonce}"
        expected = base64.b64encode(hmac.new(self.channel_secret.encode(), message.encode(),
                                             hashlib.sha256).digest()).decode()
        if not hmac.compare_digest(request.headers.get("X-LINE-Authorization", ""), expected):
            return "signature does not match"
        with self._lock:
            if nonce in self._nonces:
                return "nonce used before"
            self._nonces.add(nonce)
        return None

    def app(self) -> Flask:
        app = Flask("local-linepay")

        @app.before_request
        def check() -> Any:
            if request.path.startswith("/pay/"):
                return None
            reason = self._verify()
            if reason is not None:
                self.refused.append(reason)
                return _answer("1106", "Header information error")
            return None

        @app.post("/v3/payments/request")
        def request_payment() -> Any:
            body = json.loads(request.get_data(as_text=True))
            with self._lock:
                if any(t.order_id == body["orderId"] for t in self.transactions.values()):
                    return _answer("1172", "Existing same orderId")
                transaction = _Transaction(
                    transaction_id=next(self._ids), order_id=body["orderId"],
                    amount=body["amount"], confirm_url=body["redirectUrls"]["confirmUrl"],
                    cancel_url=body["redirectUrls"]["cancelUrl"])
                self.transactions[transaction.transaction_id] = transaction
            tid = transaction.transaction_id
            return _answer("0000", "Success.", {
                "transactionId": self._id(tid),
                "paymentAccessToken": "187568751124",
                "paymentUrl": {"web": f"{self.base_url}/pay/{tid}",
                               "app": f"line://pay/payment/{tid}"},
            })

        @app.post("/v3/payments/<int:tid>/confirm")
        def confirm(tid: int) -> Any:
            body = json.loads(request.get_data(as_text=True))
            self.confirms += 1
            transaction = self.transactions.get(tid)
            if transaction is None:
                return _answer("1150", "Transaction record not found")
            with self._lock:
                if not transaction.approved:
                    return _answer("1133", "Not approved by the payer")
                if transaction.confirmed:
                    return _answer("1198", "Request already processed")
                if body.get("amount") != transaction.amount or body.get("currency") != "JPY":
                    return _answer("1106", "Amount mismatch")
                transaction.confirmed = True
            return _answer("0000", "Success.", self._info(transaction))

        @app.post("/v3/payments/<int:tid>/refund")
        def refund(tid: int) -> Any:
            transaction = self.transactions.get(tid)
            if transaction is None or not transaction.confirmed:
                return _answer("1150", "Transaction record not found")
            with self._lock:
                if transaction.refunded:
                    return _answer("1165", "Transaction already refunded")
                transaction.refunded = True
            return _answer("0000", "Success.", {
                "refundTransactionId": self._id(next(self._ids)),
                "refundTransactionDate": "2026-11-22T10:00:00Z",
            })

        @app.get("/v3/payments")
        def details() -> Any:
            wanted = request.args.getlist("transactionId")
            found = [t for t in self.transactions.values()
                     if str(t.transaction_id) in wanted and t.confirmed]
            if not found:
                return _answer("1150", "Transaction record not found")
            entries = []
            for transaction in found:
                entry = self._info(transaction)
                entry["transactionType"] = "PAYMENT"
                if transaction.refunded:
                    entry["refundList"] = [{"transactionType": "PAYMENT_REFUND",
                                            "refundAmount": -transaction.amount}]
                entries.append(entry)
            return _answer("0000", "Success.", entries)

        @app.get("/pay/<int:tid>")
        def pay_page(tid: int) -> Any:
            return Response(f'<form method="post"><button>LINE Pay {tid}</button></form>',
                            mimetype="text/html")

        @app.post("/pay/<int:tid>")
        def pay(tid: int) -> Any:
            transaction = self.transactions[tid]
            transaction.approved = True
            query = urlencode({"transactionId": tid, "orderId": transaction.order_id})
            return redirect(f"{transaction.confirm_url}?{query}", 303)

        return app

    def _id(self, tid: int) -> Any:
        return float(tid) if self.tamper == "float_id" else tid

    def _info(self, transaction: _Transaction) -> dict[str, Any]:
        amount = 1 if self.tamper == "amount" else transaction.amount
        order = "someone-else-1" if self.tamper == "order" else transaction.order_id
        return {"orderId": order, "transactionId": self._id(transaction.transaction_id),
                "payInfo": [{"method": "BALANCE", "amount": amount}]}


def _answer(code: str, message: str, info: Any = None) -> Response:
    body: dict[str, Any] = {"returnCode": code, "returnMessage": message}
    if info is not None:
        body["info"] = info
    return Response(json.dumps(body), mimetype="application/json")


@contextmanager
def running_linepay(*, channel_id: str = "1234567890",
                    channel_secret: str = "test-linepay-secret") -> Iterator[LocalLinePay]:
    server = LocalLinePay(channel_id=channel_id, channel_secret=channel_secret)
    with serving(server.app(), "local-linepay") as base_url:
        server.base_url = base_url
        yield server
