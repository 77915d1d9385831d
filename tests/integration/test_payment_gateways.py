"""What each payment gateway does beyond the port's contract (which
tests/contracts/test_payment_gateway.py runs on all three): PayPay's and LINE Pay's signatures
and answers, checked against their local stand-ins (which check them as the real services do),
and how expiry and cancellation read."""

from __future__ import annotations

import json
import uuid

import pytest
import requests

from adapters.payments.fake import FakePaymentGateway
from adapters.payments.linepay import LinePayGateway, line_pay_signature
from adapters.payments.paypay import CONTENT_TYPE, PayPayGateway, opa_auth_header
from application.ports.payments import PaymentError, PaymentStatus
from domain.values import Money
from tests.support.linepay_server import LocalLinePay, running_linepay
from tests.support.paypay_server import LocalPayPay, running_paypay

pytestmark = pytest.mark.integration

AMOUNT = Money(710)


# -- expiry and cancellation ---------------------------------------------------------------------

def test_an_expired_paypay_code_is_reported_expired_and_a_cancelled_one_cancelled() -> None:
    with running_paypay() as server:
        gateway = PayPayGateway(api_key=server.api_key, api_secret=server.api_secret,
                                merchant_id=server.merchant_id, base_url=server.base_url)
        one = gateway.create(reference="a-1", amount=AMOUNT, description="x",
                             return_url="http://r", cancel_url="http://c")
        two = gateway.create(reference="b-1", amount=AMOUNT, description="x",
                             return_url="http://r", cancel_url="http://c")
        server.expire("a-1")
        gateway.cancel(reference="b-1", provider_id=two.provider_id)
        gateway.cancel(reference="b-1", provider_id=two.provider_id)  # gone already: fine

        assert gateway.settle(reference="a-1", provider_id=one.provider_id,
                              amount=AMOUNT).status is PaymentStatus.EXPIRED
        assert gateway.settle(reference="b-1", provider_id=two.provider_id,
                              amount=AMOUNT).status is PaymentStatus.CANCELLED


def test_the_fake_reports_a_declined_or_expired_payment_as_lapsed() -> None:
    fake = FakePaymentGateway("http://app/payments/fake")
    one = fake.create(reference="a-1", amount=AMOUNT, description="x", return_url="r",
                      cancel_url="c")
    two = fake.create(reference="b-1", amount=AMOUNT, description="x", return_url="r",
                      cancel_url="c")
    fake.decline(one.provider_id)
    fake.expire(two.provider_id)
    fake.pay(two.provider_id)  # too late: nothing changes

    assert fake.settle(reference="a-1", provider_id=one.provider_id,
                       amount=AMOUNT).status.lapsed
    assert fake.settle(reference="b-1", provider_id=two.provider_id,
                       amount=AMOUNT).status is PaymentStatus.EXPIRED


# -- PayPay signatures ---------------------------------------------------------------------------

def _paypay(server: LocalPayPay, **changes: str) -> PayPayGateway:
    options = {"api_key": server.api_key, "api_secret": server.api_secret,
               "merchant_id": server.merchant_id, "base_url": server.base_url, **changes}
    return PayPayGateway(**options)


def test_paypay_refuses_a_request_signed_with_the_wrong_secret() -> None:
    with running_paypay() as server:
        with pytest.raises(PaymentError) as refused:
            _paypay(server, api_secret="not-the-secret").create(
                reference="a-1", amount=AMOUNT, description="x", return_url="http://r",
                cancel_url="http://c")
        assert "署名" in refused.value.detail
        assert server.refused == ["signature does not match"] and server.codes == {}


def test_paypay_refuses_a_body_changed_after_signing_and_a_replayed_nonce() -> None:
    with running_paypay() as server:
        body = json.dumps({"merchantPaymentId": "a-1", "amount": {"amount": 710,
                                                                  "currency": "JPY"}})
        header = opa_auth_header(server.api_key, server.api_secret, method="POST",
                                 path="/v2/codes", body=body, nonce="abcd1234",
                                 epoch=str(int(__import__("time").time())))
        tampered = body.replace("710", "1")
        answer = requests.post(f"{server.base_url}/v2/codes", data=tampered, timeout=10,
                               headers={"Authorization": header, "Content-Type": CONTENT_TYPE})
        assert answer.status_code == 401
        assert server.refused == ["body hash does not match the body"] and server.codes == {}


def test_paypay_accepts_the_signature_of_paypays_own_sdk() -> None:
    paypayopa = pytest.importorskip("paypayopa")
    with running_paypay() as server:
        client = paypayopa.Client(auth=(server.api_key, server.api_secret),
                                  production_mode=False, base_url=server.base_url)
        client.set_assume_merchant(server.merchant_id)
        answer = client.Code.create_qr_code({
            "merchantPaymentId": "sdk-1", "amount": {"amount": 500, "currency": "JPY"},
            "codeType": "ORDER_QR", "redirectUrl": "http://r", "redirectType": "WEB_LINK"})
        assert answer["resultInfo"]["code"] == "SUCCESS", server.refused
        ours = _paypay(server).settle(reference="sdk-1",
                                      provider_id=answer["data"]["codeId"], amount=Money(500))
        assert ours.status is PaymentStatus.CREATED


@pytest.mark.parametrize("tamper", ["amount", "payment_id", "status"])
def test_paypay_answers_that_do_not_match_the_request_are_refused(tamper: str) -> None:
    with running_paypay() as server:
        gateway = _paypay(server)
        started = gateway.create(reference="a-1", amount=AMOUNT, description="x",
                                 return_url="http://r", cancel_url="http://c")
        server.complete("a-1")
        server.tamper = tamper  # type: ignore[assignment]
        with pytest.raises(PaymentError) as refused:
            gateway.settle(reference="a-1", provider_id=started.provider_id, amount=AMOUNT)
        assert refused.value.code in {"mismatched_response", "malformed_response"}


# -- LINE Pay signatures -------------------------------------------------------------------------

def _linepay(server: LocalLinePay, **changes: str) -> LinePayGateway:
    options = {"channel_id": server.channel_id, "channel_secret": server.channel_secret,
               "base_url": server.base_url, **changes}
    return LinePayGateway(**options)


def test_linepay_refuses_a_request_signed_with_the_wrong_secret() -> None:
    with running_linepay() as server:
        with pytest.raises(PaymentError) as refused:
            _linepay(server, channel_secret="not-the-secret").create(
                reference="a-1", amount=AMOUNT, description="x", return_url="http://r",
                cancel_url="http://c")
        assert "署名" in refused.value.detail
        assert server.refused == ["signature does not match"] and server.transactions == {}


def test_linepay_refuses_a_body_changed_after_signing() -> None:
    with running_linepay() as server:
        body = json.dumps({"amount": 710, "currency": "JPY", "orderId": "a-1"})
        nonce = str(uuid.uuid4())
        signature = line_pay_signature(server.channel_secret, "/v3/payments/request", body,
                                       nonce)
        answer = requests.post(
            f"{server.base_url}/v3/payments/request", data=body.replace("710", "1"), timeout=10,
            headers={"X-LINE-ChannelId": server.channel_id, "X-LINE-Authorization": signature,
                     "X-LINE-Authorization-Nonce": nonce, "Content-Type": "application/json"})
        assert answer.json()["returnCode"] == "1106"
        assert server.refused == ["signature does not match"] and server.transactions == {}


def test_linepay_signs_the_query_string_of_a_get() -> None:
    with running_linepay() as server:
        gateway = _linepay(server)
        started = gateway.create(reference="a-1", amount=AMOUNT, description="x",
                                 return_url="http://r", cancel_url="http://c")
        server.approve(started.provider_id)
        gateway.settle(reference="a-1", provider_id=started.provider_id, amount=AMOUNT)
        # The second settle reads GET /v3/payments?transactionId=…, signed over the query.
        again = gateway.settle(reference="a-1", provider_id=started.provider_id, amount=AMOUNT)
        assert again.status is PaymentStatus.COMPLETED
        assert server.refused == [] and server.confirms == 2


def test_linepay_keeps_the_19_digit_transaction_id_exact() -> None:
    with running_linepay() as server:
        started = _linepay(server).create(reference="a-1", amount=AMOUNT, description="x",
                                          return_url="http://r", cancel_url="http://c")
        assert started.provider_id == str(server.by_order("a-1").transaction_id)
        assert len(started.provider_id) == 19


@pytest.mark.parametrize("tamper", ["amount", "order", "float_id"])
def test_linepay_answers_that_do_not_match_the_request_are_refused(tamper: str) -> None:
    with running_linepay() as server:
        gateway = _linepay(server)
        started = gateway.create(reference="a-1", amount=AMOUNT, description="x",
                                 return_url="http://r", cancel_url="http://c")
        server.approve(started.provider_id)
        server.tamper = tamper  # type: ignore[assignment]
        with pytest.raises(PaymentError) as refused:
            gateway.settle(reference="a-1", provider_id=started.provider_id, amount=AMOUNT)
        assert refused.value.code in {"mismatched_response", "malformed_response"}
