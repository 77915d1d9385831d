"""The `PaymentGateway` contract (madoguchi_contracts.payments) on every gateway in the
repository: PayPay and LINE Pay against their local stand-ins (which check signatures as the
real services do), and the in-memory fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from adapters.payments.fake import FakePaymentGateway
from adapters.payments.linepay import LinePayGateway
from adapters.payments.paypay import PayPayGateway
from madoguchi_contracts.payments import PaymentGatewayContract, PaymentHarness
from tests.support.linepay_server import running_linepay
from tests.support.paypay_server import running_paypay

pytestmark = pytest.mark.integration


class TestFakeGateway(PaymentGatewayContract):
    @pytest.fixture
    def harness(self) -> PaymentHarness:
        fake = FakePaymentGateway("http://app/payments/fake")
        return PaymentHarness(
            gateway=fake, pay=lambda started: fake.pay(started.provider_id),
            charges=fake.paid_under)


class TestPayPay(PaymentGatewayContract):
    @pytest.fixture
    def harness(self) -> Iterator[PaymentHarness]:
        with running_paypay() as server:
            def at(base_url: str, timeout: float) -> PayPayGateway:
                return PayPayGateway(api_key=server.api_key, api_secret=server.api_secret,
                                     merchant_id=server.merchant_id, base_url=base_url,
                                     timeout=timeout)

            yield PaymentHarness(
                gateway=at(server.base_url, 5),
                pay=lambda started: server.complete(started.reference),
                charges=lambda reference: sum(
                    code.merchant_payment_id == reference and code.payment_id is not None
                    for code in server.codes.values()),
                provider_url=server.base_url, at=at)


class TestLinePay(PaymentGatewayContract):
    @pytest.fixture
    def harness(self) -> Iterator[PaymentHarness]:
        with running_linepay() as server:
            def at(base_url: str, timeout: float) -> LinePayGateway:
                return LinePayGateway(channel_id=server.channel_id,
                                      channel_secret=server.channel_secret, base_url=base_url,
                                      timeout=timeout)

            yield PaymentHarness(
                gateway=at(server.base_url, 5),
                pay=lambda started: server.approve(started.provider_id),
                charges=lambda reference: sum(
                    t.order_id == reference and t.confirmed
                    for t in server.transactions.values()),
                provider_url=server.base_url, at=at, cancel_shows=False)
