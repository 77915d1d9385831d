"""A certificate request on the web channel: a resident starts fresh on the page, verifies with
the (development) card, asks for two copies of 住民票, pays the fee with the fake provider and
with PayPay (its local stand-in), and is sent back to the page, where the payment is confirmed."""

from __future__ import annotations

import urllib.parse
from typing import Any

import pytest
import requests
from flask.testing import FlaskClient

from adapters.payments.paypay import PayPayGateway
from domain.certificates import IssueState
from entrypoints.containers import Container
from tests.e2e.test_registration import _card_form, _registry_person, _seed
from tests.support.paypay_server import running_paypay
from tests.support.resident_page import ResidentBrowser

pytestmark = pytest.mark.e2e


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _verified_on_the_page(client: FlaskClient, container: Container) -> tuple[ResidentBrowser,
                                                                               Any]:
    _seed(container)
    person = _registry_person(container)
    web = ResidentBrowser(client)
    web.open()
    web.press("はじめる")
    web.press("本人確認")
    card_url = web.link("本人確認をはじめる")
    assert client.get(_path(card_url)).status_code == 200
    done = client.post("/identity/dev-card", data=_card_form(card_url, person.facts))
    assert done.status_code == 200
    assert "窓口のページに戻ってください" in done.get_data(as_text=True)
    assert "本人確認が完了しました" in " ".join(web.messages())
    return web, person


def _ask_for_two_resident_records(web: ResidentBrowser) -> str:
    web.press("証明書の請求")
    web.press("住民票の写し")
    web.press("世帯全員・続柄あり")
    web.answer("2")
    web.press("年金・保険")
    summary = " ".join(web.messages()[-2:])
    assert "通数: 2通" in summary and "合計: 710円" in summary
    return web.link("支払う（710円）")


def _paid(container: Container, provider: str) -> None:
    with container.uow() as uow:
        [request] = uow.queries.certificates.queue(states=[IssueState.WAITING])
        assert request.payment_provider == provider and request.payment_id


def test_a_certificate_is_requested_and_paid_with_the_fake_provider_on_the_page(
    client: FlaskClient, container: Container,
) -> None:
    web, _person = _verified_on_the_page(client, container)
    pay_url = _ask_for_two_resident_records(web)

    to_provider = client.get(_path(pay_url))
    assert to_provider.status_code == 303 and "/payments/fake/" in to_provider.location
    provider_page = _path(to_provider.location)
    assert "710円" in client.get(provider_page).get_data(as_text=True)
    back = client.post(provider_page, data={"action": "pay"})
    settled = client.get(_path(back.location))

    assert settled.status_code == 303 and settled.location.startswith("/r/?payment=paid")
    web.open(settled.location)
    assert "お支払いを確認しました" in web.html
    assert "お支払いを確認しました" in web.said()
    _paid(container, "fake")


def test_a_certificate_fee_is_paid_with_paypay_and_the_resident_returns_to_the_page(
    client: FlaskClient, container: Container,
) -> None:
    web, _person = _verified_on_the_page(client, container)
    with running_paypay() as server:
        container.payment_gateway.override(PayPayGateway(
            api_key=server.api_key, api_secret=server.api_secret,
            merchant_id=server.merchant_id, base_url=server.base_url))
        try:
            to_provider = client.get(_path(_ask_for_two_resident_records(web)))
            assert to_provider.location.startswith(server.base_url)
            paid = requests.post(to_provider.location, allow_redirects=False, timeout=10)
            settled = client.get(_path(paid.headers["Location"]))
        finally:
            container.payment_gateway.reset_override()

    assert settled.status_code == 303 and settled.location.startswith("/r/?payment=paid")
    assert "お支払いを確認しました" in web.said()
    assert server.refused == []
    _paid(container, "paypay")
